//! `GET /windows` (`app::windows::WindowsPage` draws it): the service windows of a county and
//! township from `content/windows.toml`, narrowed to a department's matters with `?service=`,
//! each marked open or closed at this moment in Beijing.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::response::Response;
use casework::County;

use app::windows::{WindowCard, WindowsView};

use crate::posted_pages::render_page_with;
use crate::state::AppState;

pub async fn show(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let page = view(&state, &query);
    render_page_with(&state, request.into_parts().0, page).await
}

/// The page's data, in both languages: the page shows the reader's.
fn view(state: &AppState, query: &HashMap<String, String>) -> WindowsView {
    let handbook = state.handbook.current();
    let county = query.get("county").and_then(|c| c.parse::<County>().ok());
    let department = query
        .get("service")
        .and_then(|id| handbook.department(id.trim()));
    let service = department.map(|d| (d.id.clone(), d.name.clone()));
    let windows = &state.windows;
    let mut view = WindowsView {
        sample: windows.sample(),
        service: service.clone(),
        department: department.map(|d| (d.phone.clone(), d.address.clone(), d.contact_is_sample)),
        ..WindowsView::default()
    };
    if let Some(county) = county {
        let name = county.chinese_name();
        view.county = Some(county.id().to_owned());
        view.townships = windows
            .townships(name)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let township = query
            .get("township")
            .map(|t| t.trim())
            .filter(|t| view.townships.iter().any(|known| known == t));
        view.township = township.map(str::to_owned);
        let now = state
            .store
            .clock()
            .now()
            .to_offset(time::macros::offset!(+8));
        let minute = u16::from(now.hour()) * 60 + u16::from(now.minute());
        let mut found: Vec<&handbook::ServiceWindow> = match (township, &service) {
            (Some(township), Some((id, _))) => windows
                .of_township(name, township)
                .into_iter()
                .filter(|w| w.handles(id))
                .collect(),
            (Some(township), None) => windows.of_township(name, township),
            (None, Some((id, _))) => windows.for_service(name, id),
            (None, None) => windows.of_county(name),
        };
        // No window here handles the department's matters: the township windows still take
        // the papers and pass them on, or say where to go; the department's contact is above.
        if found.is_empty() && service.is_some() {
            view.fallback = true;
            found = match township {
                Some(township) => windows.of_township(name, township),
                None => windows.of_county(name),
            };
        }
        view.windows = found
            .into_iter()
            .map(|w| WindowCard {
                name: w.name().clone(),
                address: w.address().clone(),
                township: w.township().to_owned(),
                village: w.village().map(str::to_owned),
                phone: w.phone().to_owned(),
                hours: w
                    .hours()
                    .iter()
                    .map(|h| {
                        (
                            h.days().iter().map(|d| d.id().to_owned()).collect(),
                            h.from_text(),
                            h.to_text(),
                        )
                    })
                    .collect(),
                services: w
                    .services()
                    .iter()
                    .filter_map(|id| handbook.department(id))
                    .map(|d| d.name.clone())
                    .collect(),
                open_now: w.open_at(now.weekday(), minute),
            })
            .collect();
    }
    view
}
