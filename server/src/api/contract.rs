//! The OpenAPI document as the server's own check of a request's shape.
//!
//! The readers (`rules::Household::parse`, `casework::read_application`) are lenient
//! on purpose: the pages post numbers as text and leave optional fields out. The JSON API promises
//! partners more: what `openapi.json` forbids (an unknown field, a number sent as text, a name of
//! spaces, a value over its maximum) is refused with 422. So each request body is checked against
//! the document's own schema before it is read, and the document cannot drift from the server.
//!
//! Only the keywords the document uses are understood: `$ref` (within the document), `type`
//! (one or a list), `enum`, `const`, `properties`, `required`, `additionalProperties: false`,
//! `items`, `minItems`, `maxItems`, `minimum`, `maximum`, `minLength`, `maxLength`, `pattern`
//! and `oneOf`. A test walks the document and fails on any other keyword in a request schema.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

/// One place where a request does not match the document: its path in the reader's notation
/// (`household.members[0].age`) and a code the 422 answers already use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeProblem {
    pub field: String,
    pub code: &'static str,
}

/// The document, parsed once, with its patterns compiled.
pub struct Contract {
    document: Value,
    patterns: HashMap<String, Regex>,
}

/// Keywords that describe without constraining.
pub const ANNOTATIONS: [&str; 4] = ["description", "example", "examples", "format"];
/// Keywords [`Contract::check`] enforces.
pub const ENFORCED: [&str; 16] = [
    "$ref",
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "oneOf",
];

static CONTRACT: LazyLock<Contract> = LazyLock::new(|| Contract::new(super::OPENAPI));

/// The served document's contract.
pub fn contract() -> &'static Contract {
    &CONTRACT
}

impl Contract {
    /// Parses the document and compiles its patterns. The document is part of the binary and a
    /// unit test parses it, so a broken one never reaches a running server; if it did, it would
    /// constrain nothing rather than take the process down.
    pub fn new(text: &str) -> Contract {
        let document: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let mut patterns = HashMap::new();
        collect_patterns(&document, &mut patterns);
        Contract { document, patterns }
    }

    /// Every place where `value` does not match the component schema `name`, in document order.
    pub fn check(&self, name: &str, value: &Value) -> Vec<ShapeProblem> {
        let schema = &self.document["components"]["schemas"][name];
        let mut problems = Vec::new();
        self.walk(schema, value, "", &mut problems);
        problems
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        // References only point at components; a cycle of bare references would be a broken
        // document, so the depth is bounded.
        for _ in 0..8 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference
                        .strip_prefix("#/components/schemas/")
                        .unwrap_or_default();
                    schema = &self.document["components"]["schemas"][name];
                }
                None => break,
            }
        }
        schema
    }

    fn walk(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<ShapeProblem>) {
        let schema = self.resolve(schema);
        let problem = |out: &mut Vec<ShapeProblem>, code: &'static str| {
            out.push(ShapeProblem {
                field: path.to_owned(),
                code,
            })
        };
        if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
            self.one_of(branches, value, path, out);
            return;
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !allowed.iter().any(|t| has_type(value, t)) {
                problem(
                    out,
                    if value.is_null() {
                        "required"
                    } else {
                        "invalid"
                    },
                );
                return;
            }
        }
        if let Some(expected) = schema.get("const") {
            if expected != value {
                problem(out, "unknown_value");
                return;
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                problem(
                    out,
                    if value.is_null() {
                        "required"
                    } else {
                        "unknown_value"
                    },
                );
                return;
            }
        }
        match value {
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                let below = schema
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .filter(|min| n < *min);
                let above = schema
                    .get("maximum")
                    .and_then(Value::as_f64)
                    .is_some_and(|max| n > max);
                if below.is_some_and(|min| min == 0.0) {
                    problem(out, "negative");
                } else if below.is_some() || above {
                    problem(out, "out_of_range");
                }
            }
            Value::String(text) => {
                let length = text.chars().count() as u64;
                if schema
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|min| length < min)
                {
                    problem(out, "required");
                } else if schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|max| length > max)
                {
                    problem(out, "too_long");
                } else if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    if self
                        .patterns
                        .get(pattern)
                        .is_some_and(|re| !re.is_match(text))
                    {
                        problem(out, "format");
                    }
                }
            }
            Value::Array(items) => {
                let count = items.len() as u64;
                if schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|min| count < min)
                {
                    problem(out, "empty");
                } else if schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .is_some_and(|max| count > max)
                {
                    problem(out, "too_many");
                } else if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.walk(item_schema, item, &format!("{path}[{i}]"), out);
                    }
                }
            }
            Value::Object(members) => self.object(schema, members, path, out),
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn object(
        &self,
        schema: &Value,
        members: &Map<String, Value>,
        path: &str,
        out: &mut Vec<ShapeProblem>,
    ) {
        let join = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !members.contains_key(name) {
                out.push(ShapeProblem {
                    field: join(name),
                    code: "required",
                });
            }
        }
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (name, value) in members {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => self.walk(property, value, &join(name), out),
                None if closed => out.push(ShapeProblem {
                    field: join(name),
                    code: "unknown_field",
                }),
                None => {}
            }
        }
    }

    /// The branch that matches; when none does, the problems of the branch the value is closest
    /// to: one whose `const` properties (a `type` tag) it has, else one of its JSON type, and
    /// among those the one with the fewest problems.
    fn one_of(&self, branches: &[Value], value: &Value, path: &str, out: &mut Vec<ShapeProblem>) {
        let mut best: Option<((bool, bool), Vec<ShapeProblem>)> = None;
        for branch in branches {
            let mut problems = Vec::new();
            self.walk(branch, value, path, &mut problems);
            if problems.is_empty() {
                return;
            }
            let rank = (
                self.tags_match(branch, value),
                self.type_matches(branch, value),
            );
            let better = match &best {
                None => true,
                Some((best_rank, best_problems)) => {
                    rank > *best_rank
                        || (rank == *best_rank && problems.len() < best_problems.len())
                }
            };
            if better {
                best = Some((rank, problems));
            }
        }
        if let Some((_, problems)) = best {
            out.extend(problems);
        }
    }

    fn type_matches(&self, branch: &Value, value: &Value) -> bool {
        match self.resolve(branch).get("type") {
            Some(Value::String(one)) => has_type(value, one),
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(Value::as_str)
                .any(|t| has_type(value, t)),
            _ => true,
        }
    }

    fn tags_match(&self, branch: &Value, value: &Value) -> bool {
        let branch = self.resolve(branch);
        let Some(properties) = branch.get("properties").and_then(Value::as_object) else {
            return false;
        };
        let mut tags = properties
            .iter()
            .filter_map(|(name, p)| p.get("const").map(|c| (name, c)))
            .peekable();
        tags.peek().is_some() && tags.all(|(name, c)| value.get(name) == Some(c))
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        _ => false,
    }
}

fn collect_patterns(schema: &Value, out: &mut HashMap<String, Regex>) {
    match schema {
        Value::Object(members) => {
            if let Some(Value::String(pattern)) = members.get("pattern") {
                match Regex::new(pattern) {
                    Ok(re) => {
                        out.insert(pattern.clone(), re);
                    }
                    Err(e) => {
                        tracing::error!(%pattern, error = %e, "a pattern of the OpenAPI document does not compile")
                    }
                }
            }
            for child in members.values() {
                collect_patterns(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_patterns(item, out)),
        _ => {}
    }
}

/// The reader's problems, then the document's about fields the reader found nothing wrong with.
pub fn merge<P>(
    reader: Vec<P>,
    shape: Vec<ShapeProblem>,
    field_of: impl Fn(&P) -> &str,
    from_shape: impl Fn(ShapeProblem) -> P,
) -> Vec<P> {
    let extra: Vec<P> = shape
        .into_iter()
        .filter(|s| !reader.iter().any(|p| field_of(p) == s.field))
        .map(from_shape)
        .collect();
    let mut all = reader;
    all.extend(extra);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(name: &str, value: Value) -> Vec<(String, &'static str)> {
        contract()
            .check(name, &value)
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    }

    fn household() -> Value {
        json!({"area":"urban",
         "members":[{"age":67,"disability_grade":null,"disability_kind":null,"serious_illness":false,
                     "can_work":false,"employed":false,"student":false,"has_able_supporter":false,
                     "self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
         "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1},
         "rigid_expenses_12m":0.0,"housing_difficulty":false,"special_hardship":false,
         "emergency":null})
    }

    #[test]
    fn every_pattern_of_the_document_compiles() {
        let document = &contract().document;
        assert!(document.is_object(), "the document parses");
        let distinct: std::collections::HashSet<&str> = {
            fn collect<'a>(value: &'a Value, out: &mut std::collections::HashSet<&'a str>) {
                match value {
                    Value::Object(m) => {
                        if let Some(Value::String(p)) = m.get("pattern") {
                            out.insert(p);
                        }
                        m.values().for_each(|v| collect(v, out));
                    }
                    Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
                    _ => {}
                }
            }
            let mut out = std::collections::HashSet::new();
            collect(document, &mut out);
            out
        };
        assert!(!distinct.is_empty());
        assert_eq!(contract().patterns.len(), distinct.len());
    }

    #[test]
    fn blank_names_and_control_characters_do_not_match() {
        let name = &contract().document["components"]["schemas"]["ApplicationRequest"]
            ["properties"]["applicant"]["properties"]["name"];
        let mut out = Vec::new();
        for (text, ok) in [
            ("张三", true),
            (" 张 三 ", true),
            ("\u{3000}", false),
            ("   ", false),
            ("张\u{1c}三", false),
            ("", false),
        ] {
            out.clear();
            contract().walk(name, &json!(text), "name", &mut out);
            assert_eq!(out.is_empty(), ok, "{text:?}: {out:?}");
        }
    }

    #[test]
    fn the_policy_example_matches_the_document() {
        assert_eq!(problems("HouseholdRequest", household()), vec![]);
    }

    #[test]
    fn what_the_document_forbids_is_named_by_field() {
        let mut v = household();
        v["members"][0]["age"] = json!("67");
        v["members"][0]["nickname"] = json!("老张");
        v["members"][0]["incomes"][0]["monthly"] = json!(2e12);
        v["assets"]["houses_owned"] = json!(1.5);
        v["emergency"] = json!({"kind":"fire"});
        let mut found = problems("HouseholdRequest", v);
        found.sort();
        assert_eq!(
            found,
            vec![
                ("assets.houses_owned".into(), "invalid"),
                ("emergency.urgency".into(), "required"),
                ("members[0].age".into(), "invalid"),
                ("members[0].incomes[0].monthly".into(), "out_of_range"),
                ("members[0].nickname".into(), "unknown_field"),
            ]
        );
    }

    #[test]
    fn one_of_reports_the_branch_its_tag_names() {
        let body = json!({"type":"family","name":"张小三","phone":"13900139000"});
        let schema = &contract().document["components"]["schemas"]["ApplicationRequest"]
            ["properties"]["submitted_by"];
        let mut out = Vec::new();
        contract().walk(schema, &body, "submitted_by", &mut out);
        assert_eq!(
            out,
            vec![ShapeProblem {
                field: "submitted_by.relation".into(),
                code: "required"
            }]
        );
    }

    #[test]
    fn reader_problems_come_first_and_keep_their_codes() {
        let reader = vec![("a".to_owned(), "checksum")];
        let shape = vec![
            ShapeProblem {
                field: "a".into(),
                code: "format",
            },
            ShapeProblem {
                field: "b".into(),
                code: "unknown_field",
            },
        ];
        let merged = merge(reader, shape, |p| p.0.as_str(), |s| (s.field, s.code));
        assert_eq!(
            merged,
            vec![
                ("a".to_owned(), "checksum"),
                ("b".to_owned(), "unknown_field")
            ]
        );
    }
}
