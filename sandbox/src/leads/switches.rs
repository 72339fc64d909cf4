//! The switches that pick one of Kommo's possible answers about leads where its documents
//! leave it open; `--lead-source` and `--unknown-source` set them.

/// Which of Kommo's two documented ways of reading a lead's source the sandbox honours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LeadSource {
    /// The leads reference: `with=source_id` puts the source's id on the lead as `source_id`.
    #[default]
    Reference,
    /// A 2025 changelog: `with=source` puts a `source` object (`id`, `name`) on the lead.
    Changelog,
    /// Both.
    Both,
}

impl std::str::FromStr for LeadSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "reference" => Ok(LeadSource::Reference),
            "changelog" => Ok(LeadSource::Changelog),
            "both" => Ok(LeadSource::Both),
            _ => Err(format!("reference, changelog or both, not {s:?}")),
        }
    }
}

/// What a complex lead create does with a source external_id the integration does not have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownSource {
    /// Refuse the item: a lead's source is set only at creation, so a lead made without its
    /// source could never get it later.
    #[default]
    Refuse,
    /// Create the lead without a source, in the main pipeline.
    Main,
}

impl std::str::FromStr for UnknownSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "refuse" => Ok(UnknownSource::Refuse),
            "main" => Ok(UnknownSource::Main),
            _ => Err(format!("refuse or main, not {s:?}")),
        }
    }
}
