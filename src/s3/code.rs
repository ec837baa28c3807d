//! The S3 error codes this simulator sends, one table from variant to wire text.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList>.

use std::fmt;

/// Declares [`S3ErrorCode`] and its wire texts from one list.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)*) => {
        /// An S3 error code, as sent in `<Error><Code>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum S3ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl S3ErrorCode {
            /// Every code, in table order.
            pub const ALL: &[Self] = &[$(Self::$variant,)*];

            /// The wire text, e.g. `NoSuchBucket`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    /// Signed by another account, or denied by the access rule.
    AccessDenied => "AccessDenied",
    /// The `Authorization` header could not be read.
    AuthorizationHeaderMalformed => "AuthorizationHeaderMalformed",
    /// The presigned query could not be read.
    AuthorizationQueryParametersError => "AuthorizationQueryParametersError",
    /// A digest or checksum did not match the body.
    BadDigest => "BadDigest",
    /// The bucket name is taken by another account.
    BucketAlreadyExists => "BucketAlreadyExists",
    /// The requester already owns the bucket.
    BucketAlreadyOwnedByYou => "BucketAlreadyOwnedByYou",
    /// DeleteBucket on a bucket that still holds objects.
    BucketNotEmpty => "BucketNotEmpty",
    /// The body is larger than allowed.
    EntityTooLarge => "EntityTooLarge",
    /// The body (or a part) is smaller than allowed.
    EntityTooSmall => "EntityTooSmall",
    /// A location constraint that does not match the endpoint's Region.
    IllegalLocationConstraintException => "IllegalLocationConstraintException",
    /// The body ended before its declared length.
    IncompleteBody => "IncompleteBody",
    /// No such access key.
    InvalidAccessKeyId => "InvalidAccessKeyId",
    /// A malformed argument.
    InvalidArgument => "InvalidArgument",
    /// The bucket name breaks the naming rules.
    InvalidBucketName => "InvalidBucketName",
    /// `Content-MD5` is not a base64 MD5.
    InvalidDigest => "InvalidDigest",
    /// An unknown location constraint.
    InvalidLocationConstraint => "InvalidLocationConstraint",
    /// The object's storage class does not allow the operation.
    InvalidObjectState => "InvalidObjectState",
    /// A part of a completion list was not uploaded or has another ETag.
    InvalidPart => "InvalidPart",
    /// `partNumber` past the object's last part.
    InvalidPartNumber => "InvalidPartNumber",
    /// A completion list out of order.
    InvalidPartOrder => "InvalidPartOrder",
    /// The POST policy document could not be read.
    InvalidPolicyDocument => "InvalidPolicyDocument",
    /// A `Range` that cannot be satisfied.
    InvalidRange => "InvalidRange",
    /// An invalid request.
    InvalidRequest => "InvalidRequest",
    /// An unknown storage class.
    InvalidStorageClass => "InvalidStorageClass",
    /// A path that names no bucket or key.
    InvalidURI => "InvalidURI",
    /// An internal failure.
    InternalError => "InternalError",
    /// A key longer than 1024 bytes.
    KeyTooLongError => "KeyTooLongError",
    /// A form upload body that is not `multipart/form-data`.
    MalformedPOSTRequest => "MalformedPOSTRequest",
    /// An XML body that does not parse or validate.
    MalformedXML => "MalformedXML",
    /// Too many bytes before the file of a form upload.
    MaxPostPreDataLengthExceeded => "MaxPostPreDataLengthExceeded",
    /// User metadata over the size limit.
    MetadataTooLarge => "MetadataTooLarge",
    /// The method does not apply to the resource.
    MethodNotAllowed => "MethodNotAllowed",
    /// No such bucket.
    NoSuchBucket => "NoSuchBucket",
    /// No such key.
    NoSuchKey => "NoSuchKey",
    /// No such multipart upload.
    NoSuchUpload => "NoSuchUpload",
    /// No such version.
    NoSuchVersion => "NoSuchVersion",
    /// Functionality this simulator (or S3) does not implement.
    NotImplemented => "NotImplemented",
    /// A precondition header did not hold.
    PreconditionFailed => "PreconditionFailed",
    /// The request date is too far from the server's clock.
    RequestTimeTooSkewed => "RequestTimeTooSkewed",
    /// The client stopped sending.
    RequestTimeout => "RequestTimeout",
    /// The signature does not match.
    SignatureDoesNotMatch => "SignatureDoesNotMatch",
    /// `x-amz-content-sha256` does not match the body.
    XAmzContentSHA256Mismatch => "XAmzContentSHA256Mismatch",
}

impl S3ErrorCode {
    /// The code whose wire text is `text` (for codes named by the authentication layer).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for S3ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_unique_and_round_trip() {
        for code in S3ErrorCode::ALL {
            assert_eq!(S3ErrorCode::parse(code.as_str()), Some(*code));
        }
        assert_eq!(S3ErrorCode::parse("NoSuchThing"), None);
    }

    /// Every code the authentication layer names (SigV4 and POST policy) has a variant.
    #[test]
    fn authentication_codes_are_known() {
        for text in [
            "AccessDenied",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "RequestTimeTooSkewed",
            "AuthorizationHeaderMalformed",
            "AuthorizationQueryParametersError",
            "XAmzContentSHA256Mismatch",
            "InvalidRequest",
            "InvalidArgument",
            "IncompleteBody",
            "BadDigest",
            "InvalidPolicyDocument",
            "EntityTooLarge",
            "EntityTooSmall",
        ] {
            assert!(S3ErrorCode::parse(text).is_some(), "{text}");
        }
    }
}
