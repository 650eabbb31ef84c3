//! A published file specification: the Table Schema (frictionlessdata.io) subset the portal's
//! department files use, read from `discovery/files/<kind>.json`. The importer checks each cell
//! against it, so a column's type, code list and limits are written once, in the file the
//! department reads.

use serde::Deserialize;

/// One kind of file: its columns and what they mean.
#[derive(Debug, Clone, Deserialize)]
pub struct FileSpec {
    pub name: String,
    pub title: String,
    pub department: String,
    #[serde(rename = "x-meaning")]
    pub meaning: String,
    pub fields: Vec<FieldSpec>,
}

/// A cell's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Integer,
    /// Yuan, up to two decimals.
    Number,
    Date,
    /// A month: `2026-11`.
    Yearmonth,
}

/// One column.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub constraints: Constraints,
    /// `id_number`: read with [`identity::IdNumber::from_department`].
    #[serde(rename = "x-format", default)]
    pub format: Option<String>,
    /// A digits-only code this wide, whose leading zeros Excel drops and the importer restores.
    #[serde(rename = "x-pad", default)]
    pub pad: Option<usize>,
    #[serde(skip)]
    pub pattern: Option<regex::Regex>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Constraints {
    #[serde(default)]
    pub required: bool,
    #[serde(rename = "enum", default)]
    pub one_of: Option<Vec<String>>,
    #[serde(rename = "maxLength", default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub minimum: Option<f64>,
    #[serde(default)]
    pub maximum: Option<f64>,
    #[serde(default)]
    pub pattern: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("the specification is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the pattern of {field} does not compile: {source}")]
    Pattern { field: String, source: regex::Error },
}

impl FileSpec {
    pub fn parse(text: &str) -> Result<FileSpec, SpecError> {
        let mut spec: FileSpec = serde_json::from_str(text)?;
        for field in &mut spec.fields {
            if let Some(pattern) = &field.constraints.pattern {
                field.pattern =
                    Some(
                        regex::Regex::new(pattern).map_err(|source| SpecError::Pattern {
                            field: field.name.clone(),
                            source,
                        })?,
                    );
            }
        }
        Ok(spec)
    }

    /// The column's position among the fields.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}
