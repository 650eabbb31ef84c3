//! Serves pages marked shareable (see `app::page_cache`) from memory after their first render,
//! one copy per path, language and display setting. Every response still gets its own CSP
//! nonce: the stored page is split where the nonce stood and a fresh one is put in each time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;

use app::page_cache::SHAREABLE_HEADER;
use app::preferences::Prefs;

/// Distinct pages kept; past this the cache starts again empty. Anyone can invent query strings,
/// so this and the page size bound the memory (the handbook list, ~40 KB, x 1024 = ~40 MB).
const MAX_ENTRIES: usize = 1024;
/// Larger pages are served but not kept.
const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone, Default)]
pub struct PageCache(Arc<RwLock<Pages>>);

/// The pages, and the content generation they were rendered from.
#[derive(Default)]
struct Pages {
    generation: u64,
    entries: HashMap<Key, Arc<Entry>>,
}

#[derive(Hash, PartialEq, Eq)]
struct Key {
    path_and_query: String,
    prefs: Prefs,
}

/// A rendered page with the places of its nonce cut out.
struct Entry {
    headers: HeaderMap,
    policy: Vec<String>,
    body: Vec<Bytes>,
}

impl PageCache {
    /// Forgets every page rendered from older content than `generation`.
    fn follow(&self, generation: u64) {
        if self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .generation
            == generation
        {
            return;
        }
        let mut pages = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pages.entries.clear();
        pages.generation = generation;
    }

    fn get(&self, key: &Key) -> Option<Arc<Entry>> {
        self.0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entries
            .get(key)
            .cloned()
    }

    fn insert(&self, key: Key, entry: Arc<Entry>) {
        let mut pages = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if pages.entries.len() >= MAX_ENTRIES {
            pages.entries.clear();
        }
        pages.entries.insert(key, entry);
    }
}

pub async fn serve(
    State((cache, content)): State<(PageCache, Arc<handbook::LiveHandbook>)>,
    request: Request,
    next: Next,
) -> Response {
    cache.follow(content.generation());
    if request.method() != Method::GET || carries_session(request.headers()) {
        return without_marker(next.run(request).await);
    }
    let key = Key {
        path_and_query: request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        prefs: prefs_of(request.headers()),
    };
    if let Some(entry) = cache.get(&key) {
        return entry.respond(&fresh_nonce());
    }
    let response = next.run(request).await;
    let shareable = response.headers().contains_key(SHAREABLE_HEADER)
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE);
    if !shareable {
        return without_marker(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "could not read a rendered page");
            return super::errors::error_page_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                app::error_pages::ErrorPage::Internal,
            );
        }
    };
    let mut response = Response::from_parts(parts, Body::from(bytes.clone()));
    response.headers_mut().remove(SHAREABLE_HEADER);
    if let Some(entry) = Entry::from_response(response.headers(), &bytes) {
        cache.insert(key, Arc::new(entry));
    }
    response
}

fn without_marker(mut response: Response) -> Response {
    response.headers_mut().remove(SHAREABLE_HEADER);
    response
}

fn carries_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|cookies| cookies.contains(crate::sessions::COOKIE_NAME))
}

fn prefs_of(headers: &HeaderMap) -> Prefs {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    Prefs::from_headers(text(header::COOKIE), text(header::ACCEPT_LANGUAGE))
}

/// 128 random bits, as leptos makes its own.
fn fresh_nonce() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

impl Entry {
    fn from_response(headers: &HeaderMap, body: &Bytes) -> Option<Entry> {
        let policy = headers
            .get(header::CONTENT_SECURITY_POLICY)?
            .to_str()
            .ok()?;
        let nonce = policy.split("'nonce-").nth(1)?.split('\'').next()?;
        if nonce.len() < 16 {
            return None;
        }
        let text = std::str::from_utf8(body).ok()?;
        let mut kept = headers.clone();
        for name in [
            header::CONTENT_SECURITY_POLICY,
            header::CONTENT_LENGTH,
            header::DATE,
        ] {
            kept.remove(name);
        }
        kept.remove(SHAREABLE_HEADER);
        Some(Entry {
            headers: kept,
            policy: policy.split(nonce).map(str::to_owned).collect(),
            body: text
                .split(nonce)
                .map(|part| Bytes::copy_from_slice(part.as_bytes()))
                .collect(),
        })
    }

    fn respond(&self, nonce: &str) -> Response {
        let mut body = Vec::with_capacity(self.body.iter().map(Bytes::len).sum::<usize>() + 64);
        for (i, part) in self.body.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(part);
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        if let Ok(policy) = HeaderValue::from_str(&self.policy.join(nonce)) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        response
    }
}
