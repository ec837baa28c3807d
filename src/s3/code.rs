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
    /// The bucket's object ownership setting disables ACLs.
    AccessControlListNotSupported => "AccessControlListNotSupported",
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
    /// The logging target bucket is in another Region.
    CrossLocationLoggingProhibitted => "CrossLocationLoggingProhibitted",
    /// The body is larger than allowed.
    EntityTooLarge => "EntityTooLarge",
    /// The body (or a part) is smaller than allowed.
    EntityTooSmall => "EntityTooSmall",
    /// A location constraint that does not match the endpoint's Region.
    IllegalLocationConstraintException => "IllegalLocationConstraintException",
    /// The body ended before its declared length.
    IncompleteBody => "IncompleteBody",
    /// An internal failure.
    InternalError => "InternalError",
    /// No such access key.
    InvalidAccessKeyId => "InvalidAccessKeyId",
    /// A malformed argument.
    InvalidArgument => "InvalidArgument",
    /// The bucket name breaks the naming rules.
    InvalidBucketName => "InvalidBucketName",
    /// The bucket's state does not allow the request.
    InvalidBucketState => "InvalidBucketState",
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
    /// A tag key or value breaks the tagging rules.
    InvalidTag => "InvalidTag",
    /// The logging target bucket does not exist or is not the requester's.
    InvalidTargetBucketForLogging => "InvalidTargetBucketForLogging",
    /// A path that names no bucket or key.
    InvalidURI => "InvalidURI",
    /// A key longer than 1024 bytes.
    KeyTooLongError => "KeyTooLongError",
    /// An access control policy body that does not parse or validate.
    MalformedACLError => "MalformedACLError",
    /// A bucket policy that is not a valid policy document.
    MalformedPolicy => "MalformedPolicy",
    /// A form upload body that is not `multipart/form-data`.
    MalformedPOSTRequest => "MalformedPOSTRequest",
    /// A body sent with a request that takes none.
    UnexpectedContent => "UnexpectedContent",
    /// An XML body that does not parse or validate.
    MalformedXML => "MalformedXML",
    /// Too many bytes before the file of a form upload.
    MaxPostPreDataLengthExceeded => "MaxPostPreDataLengthExceeded",
    /// User metadata over the size limit.
    MetadataTooLarge => "MetadataTooLarge",
    /// The method does not apply to the resource.
    MethodNotAllowed => "MethodNotAllowed",
    /// A required header (e.g. `x-amz-acl`) is missing.
    MissingSecurityHeader => "MissingSecurityHeader",
    /// No such bucket.
    NoSuchBucket => "NoSuchBucket",
    /// The bucket has no policy.
    NoSuchBucketPolicy => "NoSuchBucketPolicy",
    /// The bucket has no CORS configuration.
    NoSuchCORSConfiguration => "NoSuchCORSConfiguration",
    /// No such key.
    NoSuchKey => "NoSuchKey",
    /// The bucket has no lifecycle configuration.
    NoSuchLifecycleConfiguration => "NoSuchLifecycleConfiguration",
    /// The bucket's public access block was deleted.
    NoSuchPublicAccessBlockConfiguration => "NoSuchPublicAccessBlockConfiguration",
    /// The bucket has no tags.
    NoSuchTagSet => "NoSuchTagSet",
    /// No such multipart upload.
    NoSuchUpload => "NoSuchUpload",
    /// No such version.
    NoSuchVersion => "NoSuchVersion",
    /// The bucket has no website configuration.
    NoSuchWebsiteConfiguration => "NoSuchWebsiteConfiguration",
    /// Functionality this simulator (or S3) does not implement.
    NotImplemented => "NotImplemented",
    /// The bucket has no Object Lock configuration.
    ObjectLockConfigurationNotFoundError => "ObjectLockConfigurationNotFoundError",
    /// The bucket's ownership controls were deleted.
    OwnershipControlsNotFoundError => "OwnershipControlsNotFoundError",
    /// A precondition header did not hold.
    PreconditionFailed => "PreconditionFailed",
    /// The bucket has no replication configuration.
    ReplicationConfigurationNotFoundError => "ReplicationConfigurationNotFoundError",
    /// The client stopped sending.
    RequestTimeout => "RequestTimeout",
    /// The request date is too far from the server's clock.
    RequestTimeTooSkewed => "RequestTimeTooSkewed",
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
