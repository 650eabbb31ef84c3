//! `/check` without JS: each page is a form posted to `/check`, the answers so far riding along in
//! a hidden field, and the result agrees with `POST /api/v1/eligibility`.

use app::i18n::{format_yuan, tr, Lang};
use serde_json::{json, Value};
use store::testing::TestDatabase;

use crate::common::TestServer;

/// The value of a hidden field in a page, as the browser would send it back.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let Some(start) = html.find(&marker).map(|i| i + marker.len()) else {
        return String::new();
    };
    let end = html[start..].find('"').map_or(html.len(), |i| start + i);
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Posts one page of the check the way the browser would: the page's hidden fields, the
/// answers typed, and the pressed button.
async fn answer(
    server: &TestServer,
    page: &str,
    typed: &[(&str, &str)],
) -> (reqwest::StatusCode, String) {
    let answers = hidden(page, "answers");
    let step = hidden(page, "step");
    let mut form: Vec<(&str, &str)> = vec![("answers", &answers), ("step", &step)];
    form.extend_from_slice(typed);
    if !typed.iter().any(|(name, _)| *name == "go") {
        form.push(("go", "next"));
    }
    let response = server.post_form("/check", &form, None).await;
    let status = response.status();
    (status, response.text().await.expect("a page"))
}

/// The household of POLICY.md §3.5's example: one person of 67 in town with a ¥300 pension.
async fn walk_the_policy_example(server: &TestServer) -> String {
    let start = server.get("/check").await.text().await.expect("start page");
    let pages: [&[(&str, &str)]; 7] = [
        &[],
        &[("area", "urban"), ("size", "1")],
        &[
            ("p0.age", "67"),
            ("p0.disability_grade", "none"),
            ("p0.self_care", "full"),
        ],
        &[("p0.income.pension", "300")],
        &[
            ("financial", "10000"),
            ("vehicles_value", "0"),
            ("houses_owned", "1"),
        ],
        &[
            ("medical", ""),
            ("housing_difficulty", "no"),
            ("special_hardship", "no"),
        ],
        &[("what_happened", "nothing")],
    ];
    let mut page = start;
    for typed in pages {
        let (status, next) = answer(server, &page, typed).await;
        assert_eq!(status, 200, "{typed:?}");
        page = next;
    }
    page
}

/// `(programme, status, amount)` of each programme card on a result page.
fn cards(html: &str) -> Vec<(String, String, Option<i64>)> {
    html.split("data-programme=\"")
        .skip(1)
        .map(|card| {
            let attr = |name: &str| {
                let marker = format!("{name}=\"");
                card.find(&marker).map(|i| {
                    let rest = &card[i + marker.len()..];
                    rest[..rest.find('"').unwrap_or(0)].to_owned()
                })
            };
            let programme = card[..card.find('"').unwrap_or(0)].to_owned();
            let status = attr("data-status").unwrap_or_default();
            let amount = attr("data-amount").and_then(|a| a.parse().ok());
            (programme, status, amount)
        })
        .collect()
}

#[tokio::test]
async fn the_pages_lead_to_a_result_that_agrees_with_the_api() {
    let server = TestServer::start(TestDatabase::sqlite().await).await;
    let result = walk_the_policy_example(&server).await;
    assert!(
        result.contains(tr::check_result_title(Lang::Zh)),
        "the result page"
    );
    assert!(result.contains(tr::check_estimate_heading(Lang::Zh)));
    assert!(
        result.contains(&tr::check_rule_own_income_below_standard(
            Lang::Zh,
            format_yuan(300.0),
            format_yuan(980.0)
        )),
        "each check says the figure and the line"
    );

    let api: Value = server
        .client
        .post(server.url("/api/v1/eligibility"))
        .json(&json!({"area":"urban",
            "members":[{"age":67,"self_care":"full","incomes":[{"kind":"pension","monthly":300.0}]}],
            "assets":{"financial":10000.0,"vehicles_value":0.0,"houses_owned":1}}))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    let mut from_api: Vec<(String, String, Option<i64>)> = api["programmes"]
        .as_array()
        .expect("programmes")
        .iter()
        .map(|p| {
            let amount = p["monthly_amount"].as_i64().or(p["advance_cap"].as_i64());
            (
                p["programme"].as_str().unwrap_or_default().to_owned(),
                p["status"].as_str().unwrap_or_default().to_owned(),
                amount,
            )
        })
        .collect();
    let mut on_page = cards(&result);
    from_api.sort();
    on_page.sort();
    assert_eq!(on_page, from_api);
    assert!(on_page.contains(&("tekun".into(), "eligible".into(), Some(1424))));
}

#[tokio::test]
async fn a_page_with_a_mistake_comes_back_with_the_problem_beside_the_field() {
    let server = TestServer::start(TestDatabase::sqlite().await).await;
    let start = server.get("/check").await.text().await.expect("start");
    let (_, household) = answer(&server, &start, &[]).await;
    let (status, page) = answer(
        &server,
        &household,
        &[("area", "urban"), ("size", "三十五")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains(&tr::form_error_summary(Lang::Zh, 1)),
        "the error summary"
    );
    assert!(
        page.contains("href=\"#size\""),
        "the summary links to the field"
    );
    assert!(page.contains(tr::check_problem_size_out_of_range(Lang::Zh)));
    assert!(page.contains("value=\"三十五\""), "what was typed is kept");
    assert!(page.contains(&format!(
        "<title>{}</title>",
        tr::form_error_title(Lang::Zh, tr::check_household_title(Lang::Zh))
    )));
}

#[tokio::test]
async fn changing_an_answer_from_the_result_comes_back_to_a_new_result() {
    let server = TestServer::start(TestDatabase::sqlite().await).await;
    let result = walk_the_policy_example(&server).await;
    let (_, assets) = answer(&server, &result, &[("go", "assets")]).await;
    assert!(
        assets.contains("value=\"10000\""),
        "the page shows the earlier answer"
    );
    let (_, again) = answer(
        &server,
        &assets,
        &[
            ("financial", "900000"),
            ("vehicles_value", "0"),
            ("houses_owned", "1"),
        ],
    )
    .await;
    let dibao = cards(&again).into_iter().find(|c| c.0 == "dibao");
    assert_eq!(dibao.map(|c| c.1), Some("ineligible".to_owned()));
    assert!(
        again.contains(&tr::check_rule_financial_assets_per_capita_within_limit(
            Lang::Zh,
            format_yuan(900_000.0),
            format_yuan(23_520.0)
        ))
    );
}

#[tokio::test]
async fn the_check_from_a_handbook_page_leads_with_that_programme() {
    let server = TestServer::start(TestDatabase::sqlite().await).await;
    let response = server.get("/check?policy=dibao").await;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-cache")
    );
    let page = response.text().await.expect("start");
    assert!(page.contains(&tr::check_start_focus(
        Lang::Zh,
        tr::check_programme_dibao(Lang::Zh)
    )));
    assert_eq!(hidden(&page, "focus"), "dibao");
}
