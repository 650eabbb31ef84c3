//! A form's fields as posted: name and value pairs, in order, names repeated for checkboxes.
//!
//! Pages whose forms post back to themselves (so they work without JS) find the posted fields
//! in their context as [`PostedForm`]; the server puts them there.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// Fields from literal pairs, as a test or a default states them.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field: the ticked boxes of a group.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value to show in a text box: what was typed, or nothing.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// Whether a checkbox was ticked (any value counts; browsers send "on" without one).
    pub fn ticked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether a radio button or option with this value is the chosen one.
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.get(name) == Some(value)
    }

    pub fn push(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }
}

/// The fields of the form posted to the page being rendered, in the page's context.
#[derive(Debug, Clone, Default)]
pub struct PostedForm(pub Fields);

/// The fields a form in the page would post, read in the browser (an island answering the form
/// itself), in the form's order.
#[cfg(feature = "hydrate")]
pub fn form_pairs(form: &web_sys::HtmlFormElement) -> Option<Vec<(String, String)>> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let entries = js_sys::try_iter(&data).ok()??;
    let mut pairs = Vec::new();
    for entry in entries {
        let entry: js_sys::Array = entry.ok()?.into();
        if let (Some(name), Some(value)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
            pairs.push((name, value));
        }
    }
    Some(pairs)
}
