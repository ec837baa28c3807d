//! The storage classes `x-amz-storage-class` may name, and which of them hold objects that
//! must be restored before they can be read.

use std::fmt;

/// An S3 storage class, written on the wire as its upper-case name (`STANDARD`, `GLACIER`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StorageClass {
    /// `STANDARD`, the default.
    #[default]
    Standard,
    /// `REDUCED_REDUNDANCY`.
    ReducedRedundancy,
    /// `STANDARD_IA`.
    StandardIa,
    /// `ONEZONE_IA`.
    OnezoneIa,
    /// `INTELLIGENT_TIERING`.
    IntelligentTiering,
    /// `GLACIER` (archived: restore before reading).
    Glacier,
    /// `DEEP_ARCHIVE` (archived: restore before reading).
    DeepArchive,
    /// `GLACIER_IR`.
    GlacierIr,
    /// `OUTPOSTS`.
    Outposts,
    /// `SNOW`.
    Snow,
    /// `EXPRESS_ONEZONE`.
    ExpressOnezone,
}

impl StorageClass {
    /// Every class, in the order S3 documents them.
    pub const ALL: [Self; 11] = [
        Self::Standard,
        Self::ReducedRedundancy,
        Self::StandardIa,
        Self::OnezoneIa,
        Self::IntelligentTiering,
        Self::Glacier,
        Self::DeepArchive,
        Self::GlacierIr,
        Self::Outposts,
        Self::Snow,
        Self::ExpressOnezone,
    ];

    /// The wire name, e.g. `STANDARD_IA`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::ReducedRedundancy => "REDUCED_REDUNDANCY",
            Self::StandardIa => "STANDARD_IA",
            Self::OnezoneIa => "ONEZONE_IA",
            Self::IntelligentTiering => "INTELLIGENT_TIERING",
            Self::Glacier => "GLACIER",
            Self::DeepArchive => "DEEP_ARCHIVE",
            Self::GlacierIr => "GLACIER_IR",
            Self::Outposts => "OUTPOSTS",
            Self::Snow => "SNOW",
            Self::ExpressOnezone => "EXPRESS_ONEZONE",
        }
    }

    /// The class with wire name `name` (exact, case-sensitive, as S3 compares it).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Whether objects of this class are archived: not readable until restored.
    pub const fn is_archived(self) -> bool {
        matches!(self, Self::Glacier | Self::DeepArchive)
    }
}

impl fmt::Display for StorageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for StorageClass {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_archive_classes() {
        for class in StorageClass::ALL {
            assert_eq!(StorageClass::parse(class.as_str()), Some(class));
        }
        assert_eq!(StorageClass::parse("standard"), None);
        assert_eq!(StorageClass::default().as_str(), "STANDARD");
        let archived: Vec<_> = StorageClass::ALL
            .into_iter()
            .filter(|c| c.is_archived())
            .collect();
        assert_eq!(archived, [StorageClass::Glacier, StorageClass::DeepArchive]);
    }
}
