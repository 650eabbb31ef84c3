//! The handbook in the repository loads, and bad content is refused with its file and field.

use handbook::{ApplyRoute, ContentFiles, Handbook, PolicyQuery};

fn read(path: &str) -> (String, String) {
    let full = format!("{}/../content/{path}", env!("CARGO_MANIFEST_DIR"));
    (
        path.to_owned(),
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}")),
    )
}

fn repository_content() -> ContentFiles {
    let dir = format!("{}/../content/policies", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    ContentFiles {
        categories: read("categories.toml"),
        departments: read("departments.toml"),
        life_situations: read("life_situations.toml"),
        policies: names
            .iter()
            .map(|n| read(&format!("policies/{n}")))
            .collect(),
    }
}

#[test]
fn the_handbook_has_38_policies_from_14_departments_in_5_categories() {
    let handbook = Handbook::from_files(&repository_content()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(handbook.policies.len(), 38);
    assert_eq!(handbook.categories.len(), 5);
    assert_eq!(handbook.departments.len(), 14);
    for department in &handbook.departments {
        assert!(
            handbook
                .policies
                .iter()
                .any(|p| p.department == department.id),
            "{} has no policy",
            department.id
        );
    }
    let dibao = handbook.policy("dibao").unwrap();
    assert_eq!(dibao.programmes, vec![rules::ProgrammeId::Dibao]);
    assert!(!dibao.text.en.documents.is_empty());
}

#[test]
fn bad_content_is_refused_naming_file_and_field() {
    let mut files = repository_content();
    let (_, dibao) = files
        .policies
        .iter_mut()
        .find(|(n, _)| n.ends_with("/dibao.toml"))
        .unwrap();
    *dibao = dibao
        .replace(
            "department = \"civil_affairs\"",
            "department = \"no_such_department\"",
        )
        .replacen("who = ", "who_ = ", 1);
    let duplicate = files.policies[0].clone();
    files.policies.push(duplicate);
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(error.contains("policies/dibao.toml"), "{error}");
    assert!(error.contains("who"), "a misspelt field is named: {error}");
    assert!(error.contains("is used by another policy"), "{error}");

    let mut files = repository_content();
    let (_, tekun) = files
        .policies
        .iter_mut()
        .find(|(n, _)| n.ends_with("/tekun-support.toml"))
        .unwrap();
    *tekun = tekun.replace(
        "department = \"civil_affairs\"",
        "department = \"no_such_department\"",
    );
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains(
            "policies/tekun-support.toml: department: unknown department \"no_such_department\""
        ),
        "{error}"
    );
}

#[test]
fn search_finds_chinese_substrings_and_english_words_best_first() {
    let handbook = Handbook::from_files(&repository_content()).unwrap();
    let query = |text: &str| PolicyQuery {
        text: text.into(),
        ..PolicyQuery::default()
    };

    let medical = handbook.search(&query("医疗"));
    assert!(
        !medical.is_empty() && medical.len() < 38,
        "医疗 narrows the list: {}",
        medical.len()
    );
    assert!(
        medical[0].policy.text.zh.title.contains("医疗"),
        "a title match ranks first: {}",
        medical[0].policy.slug
    );

    let english = handbook.search(&query("MEDICAL assistance"));
    assert!(english
        .iter()
        .any(|hit| hit.policy.slug == "medical-assistance"));

    assert!(handbook.search(&query("低保 特困")).iter().all(|hit| {
        let all = format!("{:?}", hit.policy.text);
        all.contains("低保") && all.contains("特困")
    }));
    assert!(handbook.search(&query("量子计算机")).is_empty());

    let filtered = handbook.search(&PolicyQuery {
        category: Some("emergency".into()),
        ..PolicyQuery::default()
    });
    assert!(!filtered.is_empty() && filtered.iter().all(|h| h.policy.category == "emergency"));
    let situation = handbook.search(&PolicyQuery {
        situation: Some("disability".into()),
        ..PolicyQuery::default()
    });
    assert!(situation
        .iter()
        .any(|h| h.policy.slug == "disability-two-subsidies"));
}

/// The repository content with one policy file's text changed.
fn with_policy_file(slug: &str, change: impl FnOnce(&str) -> String) -> ContentFiles {
    let mut files = repository_content();
    let suffix = format!("/{slug}.toml");
    let (_, text) = files
        .policies
        .iter_mut()
        .find(|(n, _)| n.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no policy {slug}"));
    *text = change(text);
    files
}

#[test]
fn every_policy_has_a_route_and_those_with_programmes_are_applied_for_here() {
    let handbook = Handbook::from_files(&repository_content()).unwrap_or_else(|e| panic!("{e}"));
    let portal: Vec<&str> = handbook
        .policies
        .iter()
        .filter(|p| p.apply == ApplyRoute::Portal)
        .map(|p| p.slug.as_str())
        .collect();
    assert_eq!(portal.len(), 20, "{portal:?}");
    for p in &handbook.policies {
        assert_eq!(
            p.apply == ApplyRoute::Portal,
            !p.programmes.is_empty(),
            "{}: {} with programmes {:?}",
            p.slug,
            p.apply,
            p.programmes
        );
    }
    let route = |slug: &str| handbook.policy(slug).unwrap().apply;
    assert_eq!(route("dibao"), ApplyRoute::Portal);
    assert_eq!(route("disability-two-subsidies"), ApplyRoute::Window);
    assert_eq!(route("legal-aid"), ApplyRoute::Department);
    assert_eq!(route("price-linkage-subsidy"), ApplyRoute::Automatic);
    for r in ApplyRoute::ALL {
        assert_eq!(ApplyRoute::parse(r.as_str()), Some(r));
    }
}

#[test]
fn the_route_is_written_in_lower_case() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Row {
        apply: ApplyRoute,
    }
    let row: Row = toml::from_str("apply = \"department\"").unwrap();
    assert_eq!(row.apply, ApplyRoute::Department);
    assert_eq!(
        toml::to_string(&Row {
            apply: ApplyRoute::Automatic
        })
        .unwrap()
        .trim(),
        "apply = \"automatic\""
    );
    assert!(toml::from_str::<Row>("apply = \"Portal\"").is_err());
}

#[test]
fn a_route_that_disagrees_with_the_programmes_is_refused() {
    let files = with_policy_file("legal-aid", |t| {
        t.replace("programmes = []", "programmes = [\"charity\"]")
    });
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains(
            "policies/legal-aid.toml: apply: is \"department\" but programmes lists charity"
        ),
        "{error}"
    );

    let files = with_policy_file("dibao", |t| {
        t.replace("programmes = [\"dibao\"]", "programmes = []")
    });
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains("policies/dibao.toml: apply: is \"portal\" but programmes is empty"),
        "{error}"
    );

    let files = with_policy_file("legal-aid", |t| {
        t.replace("apply = \"department\"", "apply = \"office\"")
    });
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains("policies/legal-aid.toml: apply: unknown route \"office\""),
        "{error}"
    );

    let files = with_policy_file("legal-aid", |t| t.replace("apply = \"department\"\n", ""));
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains("policies/legal-aid.toml") && error.contains("apply"),
        "a missing route is named: {error}"
    );
}

#[test]
fn a_policy_not_applied_for_here_may_not_claim_an_online_application() {
    let files = with_policy_file("orphan-basic-living", |t| {
        t.replacen(
            "how_to_apply = \"",
            "how_to_apply = \"可以在本网站申请，或者",
            1,
        )
    });
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains("policies/orphan-basic-living.toml: zh.how_to_apply: says \"本网站\""),
        "{error}"
    );

    // English in any case, and in where_to_apply too.
    let files = with_policy_file("legal-aid", |t| {
        let at = t.find("[en]").unwrap();
        let (zh, en) = t.split_at(at);
        format!(
            "{zh}{}",
            en.replacen("where_to_apply = \"", "where_to_apply = \"ONLINE, or ", 1)
        )
    });
    let error = Handbook::from_files(&files).unwrap_err().to_string();
    assert!(
        error.contains("policies/legal-aid.toml: en.where_to_apply: says \"online\""),
        "{error}"
    );

    // The same words are fine where the policy is applied for on this portal.
    let dibao = Handbook::from_files(&repository_content()).unwrap();
    assert!(dibao
        .policy("dibao")
        .unwrap()
        .text
        .zh
        .how_to_apply
        .contains("本网站"));
}

#[test]
fn an_edit_may_not_claim_an_online_application_either() {
    let handbook = Handbook::from_files(&repository_content()).unwrap();
    let mut edited = handbook.policy("legal-aid").unwrap().clone();
    edited.text.en.how_to_apply = "Apply on this portal.".into();
    let error = handbook
        .with_policy(edited, "edit")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("edit: en.how_to_apply: says \"this portal\""),
        "{error}"
    );

    let mut edited = handbook.policy("legal-aid").unwrap().clone();
    edited.programmes = vec![rules::ProgrammeId::Charity];
    let error = handbook
        .with_policy(edited, "edit")
        .unwrap_err()
        .to_string();
    assert!(error.contains("edit: apply: is \"department\""), "{error}");

    let unchanged = handbook.policy("legal-aid").unwrap().clone();
    assert!(handbook.with_policy(unchanged, "edit").is_ok());
}
