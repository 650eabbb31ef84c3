//! Finding policies: filters by category, department and life situation, and a text search that
//! works for Chinese (substrings, since Chinese has no spaces between words) and English (words,
//! any case), ranked by where the words were found.

use serde::{Deserialize, Serialize};

use crate::model::{Handbook, Policy, PolicyText};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyQuery {
    pub text: String,
    pub category: Option<String>,
    pub department: Option<String>,
    pub situation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit<'a> {
    pub policy: &'a Policy,
    pub score: u32,
}

/// How much a word found in each part of a policy counts.
const TITLE: u32 = 10;
const SUMMARY: u32 = 5;
const MAIN: u32 = 3;
const DETAIL: u32 = 1;

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || "，。、；：？！“”‘’（）《》【】·…—".contains(c)
}

fn terms(text: &str) -> Vec<String> {
    text.split(is_separator)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn weighted_fields(t: &PolicyText) -> impl Iterator<Item = (u32, &str)> {
    [
        (TITLE, t.title.as_str()),
        (SUMMARY, t.summary.as_str()),
        (MAIN, t.who.as_str()),
        (MAIN, t.what_you_get.as_str()),
    ]
    .into_iter()
    .chain(t.conditions.iter().map(|s| (MAIN, s.as_str())))
    .chain(t.documents.iter().map(|s| (DETAIL, s.as_str())))
    .chain([
        (DETAIL, t.how_to_apply.as_str()),
        (DETAIL, t.where_to_apply.as_str()),
        (DETAIL, t.time_limits.as_str()),
        (DETAIL, t.contact.as_str()),
    ])
    .chain(t.legal_basis.iter().map(|s| (DETAIL, s.as_str())))
}

/// A term's score in one policy, over both languages. A Chinese term of three or more characters
/// that is not found whole still counts, for less, when most of its two-character pieces are
/// (so 低保标准 finds the policy that says 低保 and 标准 apart).
fn term_score(policy: &Policy, term: &str) -> u32 {
    let fields: Vec<(u32, String)> = weighted_fields(&policy.text.zh)
        .chain(weighted_fields(&policy.text.en))
        .map(|(w, text)| (w, text.to_lowercase()))
        .collect();
    let whole: u32 = fields
        .iter()
        .filter(|(_, text)| text.contains(term))
        .map(|(w, _)| w)
        .sum();
    if whole > 0 {
        return whole;
    }
    let chars: Vec<char> = term.chars().collect();
    if chars.len() < 3 || !chars.iter().all(|c| (*c as u32) >= 0x2E80) {
        return 0;
    }
    let pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    let found = pairs
        .iter()
        .filter(|pair| fields.iter().any(|(_, text)| text.contains(pair.as_str())))
        .count();
    if found * 3 >= pairs.len() * 2 {
        u32::try_from(found).unwrap_or(u32::MAX)
    } else {
        0
    }
}

impl Handbook {
    /// The policies that pass every filter and contain every word of the text, best first.
    /// Without text, all that pass the filters, in handbook order.
    pub fn search(&self, query: &PolicyQuery) -> Vec<SearchHit<'_>> {
        let words = terms(&query.text);
        let wanted = |filter: &Option<String>, value: &str| {
            filter.as_deref().is_none_or(|f| f.is_empty() || f == value)
        };
        let mut hits: Vec<SearchHit<'_>> = self
            .policies
            .iter()
            .filter(|p| {
                wanted(&query.category, &p.category) && wanted(&query.department, &p.department)
            })
            .filter(|p| {
                query
                    .situation
                    .as_deref()
                    .is_none_or(|s| s.is_empty() || p.life_situations.iter().any(|l| l == s))
            })
            .filter_map(|policy| {
                let mut score = 0;
                for word in &words {
                    let found = term_score(policy, word);
                    if found == 0 {
                        return None;
                    }
                    score += found;
                }
                Some(SearchHit { policy, score })
            })
            .collect();
        hits.sort_by_key(|hit| std::cmp::Reverse(hit.score));
        hits
    }
}
