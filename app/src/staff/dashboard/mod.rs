//! The supervisors' dashboard: cases by county and stage, and how the deadlines were kept, as
//! charts drawn on the server in SVG (no script), each with the same figures as a table below it.
//! Every bar carries its number as text; stages differ by pattern as well as colour.

mod compliance;
mod figures;
mod load;
mod page;
mod period;
mod states;

pub use figures::{DashboardAccess, DashboardData, FiguresRow, Share};
pub use load::load_dashboard;
pub use page::DashboardPage;

use crate::counties::county_name_of;
use crate::i18n::{tr, Lang};

/// The chart coordinate system: this many units wide, scaled to the page's width.
const WIDTH: i64 = 340;

/// The county's name, marked as the viewer's own in words (not only by the highlight).
fn county_label(lang: Lang, county: &str, own: &str) -> String {
    let name = county_name_of(lang, county);
    if county == own {
        tr::dashboard_own_county(lang, name)
    } else {
        name.to_owned()
    }
}
