//! ARNs and function references with their qualifiers.

use proptest::prelude::*;

use super::splice;
use crate::arn::{Arn, FunctionRef, NameKind, Qualifier, validate_qualifier};

const VALID: &[&str] = &[
    "arn:aws:lambda:us-east-1:123456789012:function:my-function",
    "arn:aws:lambda:us-east-1:123456789012:function:my-function:PROD",
    "arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST",
    "123456789012:function:my-function:7",
    "my-function",
    "my-function:BETA",
    "arn:aws:s3:::photos",
    "arn:aws:iam::123456789012:role/lambda-role",
];

fn parse_all(s: &str, qualifier: Option<&str>) {
    let _ = Arn::parse(s);
    let _ = Qualifier::parse(s);
    let _ = validate_qualifier(s);
    for kind in [NameKind::Plain, NameKind::Namespaced] {
        if let Ok(r) = FunctionRef::parse(s, kind) {
            let _ = r.qualifier_kind();
        }
        let _ = FunctionRef::parse_with_qualifier(s, kind, qualifier);
    }
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arbitrary_text(s in "\\PC{0,160}", q in proptest::option::of("\\PC{0,40}")) {
        parse_all(&s, q.as_deref());
    }

    #[test]
    fn a_valid_reference_with_one_field_mutated(
        base in proptest::sample::select(VALID),
        field in 0usize..9,
        value in "[a-zA-Z0-9:$*?_./-]{0,80}|\\PC{0,20}",
        q in proptest::option::of("[A-Za-z0-9$_-]{0,130}"),
    ) {
        let mut fields: Vec<&str> = base.split(':').collect();
        let i = field % (fields.len() + 1);
        if i == fields.len() {
            fields.push(&value);
        } else {
            fields[i] = &value;
        }
        parse_all(&fields.join(":"), q.as_deref());
    }

    #[test]
    fn a_valid_reference_with_text_spliced_in(
        base in proptest::sample::select(VALID),
        at in any::<usize>(),
        len in 0usize..8,
        insert in "\\PC{0,12}",
    ) {
        parse_all(&splice(base, at, len, &insert), None);
    }
}
