//! The server function that reads the dashboard's figures for the signed-in supervisor.

use leptos::prelude::*;

use super::DashboardAccess;
use crate::server_error::PortalError;

#[cfg(feature = "ssr")]
mod ssr {
    use store::applications::{Compliance, Dashboard, Figures};

    use super::super::{DashboardData, FiguresRow, Share};

    fn share(c: &Compliance) -> Share {
        Share {
            on_time: c.on_time,
            missed: c.missed,
            overdue: c.overdue,
            percent: c.percent_on_time(),
        }
    }

    fn row(f: &Figures) -> FiguresRow {
        FiguresRow {
            cases: f.cases.iter().map(|(s, n)| (*s, *n)).collect(),
            critical: share(&f.critical),
            urgent: share(&f.urgent),
            decisions: share(&f.decisions),
        }
    }

    pub fn data(
        dashboard: &Dashboard,
        own_county: casework::County,
        funnel: &store::discovery::Funnel,
        referrals: &[store::referrals::ReferralCount],
    ) -> DashboardData {
        DashboardData {
            period: dashboard.period.as_str().to_owned(),
            as_of: dashboard.as_of.unix_timestamp(),
            own_county: own_county.id().to_owned(),
            counties: dashboard
                .counties
                .iter()
                .map(|(c, f)| (c.id().to_owned(), row(f)))
                .collect(),
            total: row(&dashboard.total),
            discovery: crate::staff::FunnelView::from_store(funnel),
            referrals: referrals
                .iter()
                .map(|r| {
                    (
                        r.organisation.clone(),
                        r.waiting,
                        r.overdue,
                        r.helped,
                        r.declined,
                        r.helped_fen,
                    )
                })
                .collect(),
        }
    }
}

/// The dashboard for a supervisor or an administrator; others are sent to sign in or refused (403).
#[server(endpoint = "staff/dashboard")]
pub async fn load_dashboard(period: String) -> Result<DashboardAccess, PortalError> {
    use crate::server_error::ssr as fn_ssr;
    use store::applications::{DashboardError, Period};
    let store = fn_ssr::store()?;
    let session = fn_ssr::session().await?;
    let staff = crate::staff::session::current_staff(&session, &store)
        .await
        .map_err(|e| fn_ssr::session_failed("could not read the staff session", &e))?;
    let Some(staff) = staff else {
        leptos_axum::redirect("/staff/login");
        return Ok(DashboardAccess::Forbidden);
    };
    let period = Period::parse(&period).unwrap_or_default();
    match store.dashboard(&staff, period).await {
        Ok(dashboard) => {
            let funnel = store
                .discovery_funnel(Some(staff.county))
                .await
                .map_err(|e| fn_ssr::store_failed("could not read the discovery funnel", &e))?;
            let referrals = store
                .referral_counts(Some(staff.county))
                .await
                .map_err(|e| fn_ssr::store_failed("could not count the referrals", &e))?;
            Ok(DashboardAccess::Allowed(Box::new(ssr::data(
                &dashboard,
                staff.county,
                &funnel,
                &referrals,
            ))))
        }
        Err(DashboardError::NotAllowed) => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::FORBIDDEN);
            }
            Ok(DashboardAccess::Forbidden)
        }
        Err(DashboardError::Store(e)) => {
            Err(fn_ssr::store_failed("could not read the dashboard", &e))
        }
    }
}
