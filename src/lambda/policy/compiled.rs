//! A policy document prepared for evaluation: each statement's action, resource and
//! conditions parsed once (operators and keys as enums, wildcard-free patterns compared
//! as plain strings), so evaluating allocates nothing until a decision's reason is built.

use std::ops::Deref;

use super::statement::{Policy, Statement};

/// A glob pattern: `*` (any run, including colons) and `?` (one character).
#[derive(Debug, Clone)]
pub(super) struct Pattern {
    text: String,
    /// False when the pattern has no `*` or `?`: it matches by plain comparison.
    wild: bool,
}

impl Pattern {
    pub(super) fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            wild: text.bytes().any(|b| b == b'*' || b == b'?'),
        }
    }

    /// Case-sensitive match.
    pub(super) fn matches(&self, text: &str) -> bool {
        if self.wild {
            glob_bytes(self.text.as_bytes(), text.as_bytes(), false)
        } else {
            self.text == text
        }
    }

    /// ASCII-case-insensitive match.
    pub(super) fn matches_ignore_case(&self, text: &str) -> bool {
        if self.wild {
            glob_bytes(self.text.as_bytes(), text.as_bytes(), true)
        } else {
            self.text.eq_ignore_ascii_case(text)
        }
    }
}

/// An `ArnLike` pattern: six parts, each a glob that never crosses a colon (the sixth, the
/// resource, may contain colons of its own).
#[derive(Debug, Clone)]
pub(super) enum ArnPattern {
    /// Not a six-part ARN starting with `arn`: matches nothing.
    Never,
    /// No wildcard in any part: the same split of equal strings, so plain equality.
    Literal(String),
    /// Some part has a wildcard.
    Parts(Box<[Pattern; 6]>),
}

impl ArnPattern {
    pub(super) fn new(pattern: &str) -> Self {
        let mut parts = pattern.splitn(6, ':');
        let mut next = || parts.next().map(Pattern::new);
        let parsed = (|| {
            let all = [next()?, next()?, next()?, next()?, next()?, next()?];
            (all[0].text == "arn").then_some(all)
        })();
        match parsed {
            None => Self::Never,
            Some(all) if all.iter().all(|p| !p.wild) => Self::Literal(pattern.to_owned()),
            Some(all) => Self::Parts(Box::new(all)),
        }
    }

    pub(super) fn matches(&self, value: &str) -> bool {
        match self {
            Self::Never => false,
            Self::Literal(text) => text == value,
            Self::Parts(parts) => {
                let mut rest = value;
                for (i, p) in parts.iter().enumerate() {
                    let part = if i == 5 {
                        std::mem::take(&mut rest)
                    } else {
                        // ARN parts are short: a plain loop beats a `memchr` call per part.
                        let Some(end) = rest.bytes().position(|b| b == b':') else {
                            return false;
                        };
                        let (part, tail) = rest.split_at(end);
                        rest = tail.get(1..).unwrap_or_default();
                        part
                    };
                    if !p.matches(part) {
                        return false;
                    }
                }
                true
            }
        }
    }
}

/// The glob itself, on bytes: `?` consumes one UTF-8 character, backtracking after a `*`
/// moves by whole characters, so results equal a glob over `char`s.
fn glob_bytes(p: &[u8], t: &[u8], ignore_case: bool) -> bool {
    let char_len = |i: usize| -> usize {
        let mut n = 1;
        while t.get(i + n).is_some_and(|b| b & 0xC0 == 0x80) {
            n += 1;
        }
        n
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(b'?') => {
                pi += 1;
                ti += char_len(ti);
            }
            Some(&c)
                if t.get(ti)
                    .is_some_and(|&b| c == b || (ignore_case && c.eq_ignore_ascii_case(&b))) =>
            {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    let next = st + char_len(st);
                    pi = sp + 1;
                    ti = next;
                    star = Some((sp, next));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == b'*')
}

/// A condition key the request context can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    SourceArn,
    SourceAccount,
    PrincipalOrgId,
    EventSourceToken,
    FunctionUrlAuthType,
    PrincipalAccount,
    /// A key no request carries here (always missing).
    Other,
}

impl Key {
    fn parse(name: &str) -> Self {
        const KEYS: [(&str, Key); 6] = [
            ("aws:SourceArn", Key::SourceArn),
            ("aws:SourceAccount", Key::SourceAccount),
            ("aws:PrincipalOrgID", Key::PrincipalOrgId),
            ("lambda:EventSourceToken", Key::EventSourceToken),
            ("lambda:FunctionUrlAuthType", Key::FunctionUrlAuthType),
            ("aws:PrincipalAccount", Key::PrincipalAccount),
        ];
        KEYS.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or(Key::Other, |(_, key)| *key)
    }
}

/// How a condition compares the request's value with the expected one.
#[derive(Debug, Clone)]
pub(super) enum Op {
    Equals,
    EqualsIgnoreCase,
    Like(Pattern),
    Arn(ArnPattern),
    Bool,
    Unsupported,
}

/// One (operator, key, value) of a statement's condition block.
#[derive(Debug, Clone)]
pub(super) struct Cond {
    /// Indexes of the operator and the pair in the statement's `condition`.
    pub(super) block: usize,
    pub(super) pair: usize,
    pub(super) op: Op,
    pub(super) negated: bool,
    pub(super) if_exists: bool,
    pub(super) key: Key,
}

impl Cond {
    /// The expected value, as written in the statement.
    pub(super) fn expected<'s>(&self, st: &'s Statement) -> &'s str {
        st.condition
            .get(self.block)
            .and_then(|(_, pairs)| pairs.get(self.pair))
            .map_or("", |(_, v)| v.as_str())
    }

    /// The operator and key names, as written in the statement.
    pub(super) fn names<'s>(&self, st: &'s Statement) -> (&'s str, &'s str) {
        st.condition
            .get(self.block)
            .and_then(|(op, pairs)| Some((op.as_str(), pairs.get(self.pair)?.0.as_str())))
            .unwrap_or_default()
    }
}

/// One statement, parsed.
#[derive(Debug, Clone)]
pub(super) struct Rule {
    /// The action, lower-cased (actions compare case-insensitively).
    pub(super) action: Pattern,
    pub(super) resource: ArnPattern,
    pub(super) conditions: Vec<Cond>,
}

impl Rule {
    fn new(st: &Statement) -> Self {
        let mut conditions = Vec::new();
        for (block, (op, pairs)) in st.condition.iter().enumerate() {
            let (base, if_exists) = op
                .strip_suffix("IfExists")
                .map_or((op.as_str(), false), |b| (b, true));
            let negated = base.contains("Not");
            for (pair, (key, expected)) in pairs.iter().enumerate() {
                let op = match base {
                    "StringEquals" | "StringNotEquals" => Op::Equals,
                    "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => Op::EqualsIgnoreCase,
                    "StringLike" | "StringNotLike" => Op::Like(Pattern::new(expected)),
                    "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike" => {
                        Op::Arn(ArnPattern::new(expected))
                    }
                    "Bool" => Op::Bool,
                    _ => Op::Unsupported,
                };
                conditions.push(Cond {
                    block,
                    pair,
                    op,
                    negated,
                    if_exists,
                    key: Key::parse(key),
                });
            }
        }
        Self {
            action: Pattern::new(&st.action.to_ascii_lowercase()),
            resource: ArnPattern::new(&st.resource),
            conditions,
        }
    }
}

/// A [`Policy`] with its statements parsed for evaluation. Dereferences to the document.
/// Build it once when the document changes (the registry keeps one per scope), then
/// evaluate it per request with [`CompiledPolicy::evaluate`].
#[derive(Debug, Clone, Default)]
pub struct CompiledPolicy {
    policy: Policy,
    pub(super) rules: Vec<Rule>,
}

impl CompiledPolicy {
    /// Parses every statement of `policy`.
    pub fn new(policy: Policy) -> Self {
        let rules = policy.statements.iter().map(Rule::new).collect();
        Self { policy, rules }
    }

    /// The document.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The document, giving up the parsed form.
    pub fn into_policy(self) -> Policy {
        self.policy
    }
}

impl Deref for CompiledPolicy {
    type Target = Policy;

    fn deref(&self) -> &Policy {
        &self.policy
    }
}

impl From<Policy> for CompiledPolicy {
    fn from(policy: Policy) -> Self {
        Self::new(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str, t: &str) -> bool {
        Pattern::new(p).matches(t)
    }

    #[test]
    fn glob_on_bytes_equals_glob_on_chars() {
        assert!(glob("a*c", "abbbc") && glob("*", "") && glob("a?c", "abc") && !glob("a?c", "ac"));
        assert!(glob("a*b*c", "a:x:b:y:c") && !glob("abc", "abd") && !glob("abc", "ab"));
        // `?` is one character, not one byte.
        assert!(glob("a?c", "aéc") && !glob("a??c", "aéc"));
        assert!(glob("*?é", "xxé") && glob("é*", "éa") && !glob("é?", "é"));
        assert!(glob("*c", "ééc") && glob("?*?", "éé") && !glob("???", "éé"));
        assert!(glob("**", "") && glob("a**", "a") && !glob("a*?", "a"));
        assert!(Pattern::new("lambda:*").matches_ignore_case("Lambda:InvokeFunction"));
        assert!(Pattern::new("lambda:invokefunction").matches_ignore_case("lambda:InvokeFunction"));
        assert!(!Pattern::new("lambda:get*").matches_ignore_case("lambda:InvokeFunction"));
    }

    #[test]
    fn arn_patterns() {
        let p = ArnPattern::new("arn:aws:s3:::*");
        assert!(p.matches("arn:aws:s3:::b:with:colons"));
        assert!(!p.matches("not-an-arn") && !p.matches("arn:aws:s3::"));
        assert!(!ArnPattern::new("arn:aws:*").matches("arn:aws:s3:::photos"));
        assert!(!ArnPattern::new("ARN:aws:s3:::b").matches("ARN:aws:s3:::b"));
        assert!(ArnPattern::new("arn:aws:s3:::ph?tos").matches("arn:aws:s3:::photos"));
        assert!(!ArnPattern::new("arn:aws:s3:::photos").matches("arn:aws:s3:::photos2"));
    }

    #[test]
    fn keys_case_insensitive() {
        assert_eq!(Key::parse("AWS:SOURCEARN"), Key::SourceArn);
        assert_eq!(Key::parse("aws:sourceaccount"), Key::SourceAccount);
        assert_eq!(Key::parse("lambda:InvokedViaFunctionUrl"), Key::Other);
    }
}
