//! Who owns a bucket's objects and what may be made public: the ownership controls and Block
//! Public Access values, with the defaults AWS gives buckets created today
//! (`BucketOwnerEnforced`, all four switches on).

/// Object ownership (`x-amz-object-ownership`, `?ownershipControls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectOwnership {
    /// ACLs disabled; the bucket owner owns every object (the default).
    BucketOwnerEnforced,
    /// The bucket owner owns objects written with `bucket-owner-full-control`.
    BucketOwnerPreferred,
    /// The writer owns the object.
    ObjectWriter,
}

impl ObjectOwnership {
    /// Reads the wire text.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "BucketOwnerEnforced" => Self::BucketOwnerEnforced,
            "BucketOwnerPreferred" => Self::BucketOwnerPreferred,
            "ObjectWriter" => Self::ObjectWriter,
            _ => return None,
        })
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::BucketOwnerEnforced => "BucketOwnerEnforced",
            Self::BucketOwnerPreferred => "BucketOwnerPreferred",
            Self::ObjectWriter => "ObjectWriter",
        }
    }
}

/// A bucket's ownership controls: `None` once deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ownership(pub Option<ObjectOwnership>);

impl Default for Ownership {
    fn default() -> Self {
        Self(Some(ObjectOwnership::BucketOwnerEnforced))
    }
}

impl Ownership {
    /// Whether ACLs are disabled (`BucketOwnerEnforced`).
    pub(crate) fn acls_disabled(self) -> bool {
        self.0 == Some(ObjectOwnership::BucketOwnerEnforced)
    }
}

/// The four Block Public Access switches, in wire order: `None` once deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PublicAccessBlock(pub Option<[bool; 4]>);

impl Default for PublicAccessBlock {
    fn default() -> Self {
        Self(Some([true; 4]))
    }
}

impl PublicAccessBlock {
    /// `BlockPublicAcls`.
    pub(crate) fn blocks_public_acls(self) -> bool {
        self.0.is_some_and(|f| f[0])
    }

    /// `BlockPublicPolicy`.
    pub(crate) fn blocks_public_policy(self) -> bool {
        self.0.is_some_and(|f| f[2])
    }
}
