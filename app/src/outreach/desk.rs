//! The desk in the browser (`portal-outreach` bundle): the volunteer's PIN, the residents in
//! progress, the self-check and application pages built by the same functions the server uses,
//! and the calls into `public/outreach.js`, which seals, keeps and sends.
//!
//! Every form on the desk is handled here and none is posted: the island's root hears each
//! `submit` and each click on an application page's own links, reads the form the way the server
//! would ([`Fields`]), runs the same step ([`Flow::from_post`], [`ApplicationDraft::apply`]) and
//! builds the next screen in place.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};
use rules::Standards;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::screens::{self, DraftLine, PinProblem, RefusedLine, SendNote, Start};
use super::{OutreachVolunteer, INTRO_ID, OUTREACH_TOKEN, SCREEN_ID};
use crate::apply::{
    apply_page, ApplicationDraft, ApplyFieldProblem, ApplyPageData, ApplyProblem, ApplyStep,
    UploadProblem, Who,
};
use crate::i18n::Lang;
use crate::posted_form::{form_pairs, Fields};
use crate::self_check::{self, Flow, PolicyLink, ANSWERS_FIELD, APPLY_START, GO_FIELD, STEP_FIELD};

/// What the island was rendered with.
pub struct Setup {
    pub volunteer: OutreachVolunteer,
    pub lang: Lang,
    pub standards: Standards,
    pub links: Vec<PolicyLink>,
}

/// The most photos one application carries: the sync endpoint's body stays small.
const MAX_PHOTOS: usize = 8;

/// A photo of a document, shrunk on the phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Photo {
    document: String,
    /// JPEG, base64.
    data: String,
}

/// One resident's application in progress: what is sealed under the PIN's key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Work {
    id: String,
    event: String,
    /// Unix seconds.
    started: i64,
    /// The self-check's answers so far (as its hidden field carries them) and its page.
    check_answers: String,
    check_step: String,
    /// From the self-check's result on.
    draft: Option<ApplicationDraft>,
    step: Option<ApplyStep>,
    photos: Vec<Photo>,
    /// When each consent was given (and the application finished), by the phone's clock.
    taken_at: BTreeMap<String, String>,
}

#[derive(Default)]
struct State {
    unlocked: bool,
    has_pin: bool,
    event: Option<String>,
    work: Option<Work>,
    drafts: Vec<Work>,
    waiting: usize,
    refused: Vec<RefusedLine>,
    arrived: Vec<String>,
    note: Option<SendNote>,
    space: Option<(f64, f64, bool)>,
    on_start: bool,
}

struct Desk {
    setup: Setup,
    shown: RefCell<Option<Box<dyn Mountable>>>,
    state: RefCell<State>,
}

thread_local! {
    static DESK: RefCell<Option<Rc<Desk>>> = const { RefCell::new(None) };
}

fn current() -> Option<Rc<Desk>> {
    DESK.with(|d| d.borrow().clone())
}

// --- outreach.js -----------------------------------------------------------------------------------

fn api() -> Option<JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &JsValue::from_str("jsjOutreach"))
        .ok()
        .filter(JsValue::is_object)
}

/// Calls a function of `window.jsjOutreach` and waits for its promise.
async fn call(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let api = api().ok_or(JsValue::NULL)?;
    let function: js_sys::Function = js_sys::Reflect::get(&api, &JsValue::from_str(name))?
        .dyn_into()
        .map_err(|_| JsValue::NULL)?;
    let list = js_sys::Array::new();
    for arg in args {
        list.push(arg);
    }
    let out = function.apply(&api, &list)?;
    match out.dyn_into::<js_sys::Promise>() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

/// A call whose answer is JSON text, read into `T`.
async fn call_json<T: for<'de> Deserialize<'de>>(name: &str, args: &[JsValue]) -> Option<T> {
    let text = call(name, args).await.ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// A fresh random id (`crypto.randomUUID`), for a resident's work on this phone.
fn random_id() -> String {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &s("crypto"))
        .and_then(|crypto| {
            let f: js_sys::Function =
                js_sys::Reflect::get(&crypto, &s("randomUUID"))?.dyn_into()?;
            f.call0(&crypto)
        })
        .ok()
        .and_then(|id| id.as_string())
        .unwrap_or_else(|| format!("w-{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

// --- start --------------------------------------------------------------------------------------------

/// Sets the desk up once `outreach.js` is there (it is loaded beside the bundle).
pub fn start(setup: Setup) {
    let desk = Rc::new(Desk {
        setup,
        shown: RefCell::new(None),
        state: RefCell::new(State::default()),
    });
    // The application pages' as-you-leave checks of ID and mobile numbers, once for the desk.
    std::mem::forget(crate::apply::check_on_leaving(desk.setup.lang));
    DESK.with(|d| *d.borrow_mut() = Some(desk));
    if api().is_some() {
        wasm_bindgen_futures::spawn_local(begin());
    } else if let Some(window) = web_sys::window() {
        let ready = Closure::once_into_js(|| wasm_bindgen_futures::spawn_local(begin()));
        let _ =
            window.add_event_listener_with_callback("jsj-outreach-ready", ready.unchecked_ref());
    }
}

async fn begin() {
    let Some(desk) = current() else { return };
    let code = desk.setup.volunteer.code.clone();
    // Locked after a few idle minutes: the resident's answers leave memory, the PIN screen shows.
    let locked = Closure::<dyn Fn()>::new(|| {
        if let Some(desk) = current() {
            {
                let mut state = desk.state.borrow_mut();
                state.unlocked = false;
                state.work = None;
                state.drafts.clear();
            }
            desk.show_pin(None, false);
        }
    });
    let _ = call("whenLocked", &[locked.into_js_value()]).await;
    let synced = Closure::<dyn Fn(JsValue)>::new(|outcome: JsValue| {
        if let Some(outcome) = outcome.as_string() {
            wasm_bindgen_futures::spawn_local(after_sync(outcome));
        }
    });
    let _ = call("whenSynced", &[synced.into_js_value()]).await;
    let has_pin = call("hasPin", &[s(&code)])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    desk.state.borrow_mut().has_pin = has_pin;
    desk.show_pin(None, false);
    // Whatever is waiting (this volunteer's or another's on this phone) goes now if it can.
    send().await;
}

// --- events --------------------------------------------------------------------------------------------

/// Every form on the desk.
pub fn submit(ev: leptos::ev::SubmitEvent) {
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    ev.prevent_default();
    let Some(desk) = current() else { return };
    let submitter = ev
        .submitter()
        .and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok());
    let mut fields = Fields::new(form_pairs(&form).unwrap_or_default());
    if let Some(button) = submitter.as_ref().filter(|b| !b.name().is_empty()) {
        fields.push(&button.name(), &button.value());
    }
    let kind = form.get_attribute("data-outreach").unwrap_or_default();
    match kind.as_str() {
        "pin" => desk.take_pin(&fields),
        "forget" => wasm_bindgen_futures::spawn_local(forget_pin()),
        "start" => desk.new_resident(&fields),
        "resume" => desk.resume(fields.get(screens::ID_FIELD).unwrap_or_default()),
        "desk" => wasm_bindgen_futures::spawn_local(to_start()),
        "sync" => wasm_bindgen_futures::spawn_local(send()),
        "lock" => wasm_bindgen_futures::spawn_local(async {
            let _ = call("lock", &[]).await;
        }),
        "remove" => {
            let id = fields.get(screens::ID_FIELD).unwrap_or_default().to_owned();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = call("removeRefused", &[s(&id)]).await;
                to_start().await;
            });
        }
        "check" => {
            let apply = submitter
                .as_ref()
                .and_then(|b| b.get_attribute("formaction"))
                .as_deref()
                == Some(APPLY_START);
            desk.check_page(&fields, apply);
        }
        _ if form.has_attribute("data-outreach-photo") => {
            wasm_bindgen_futures::spawn_local(add_photo(form, fields));
        }
        _ => {
            let action = form.get_attribute("action").unwrap_or_default();
            if let Some(step) = step_of(&action) {
                desk.apply_page(step, &fields);
            }
        }
    }
}

/// The application pages' own links ("back", "change") open their page in place.
pub fn click(ev: leptos::ev::MouseEvent) {
    let Some(link) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
    else {
        return;
    };
    let Some(step) = link.get_attribute("href").as_deref().and_then(step_of) else {
        return;
    };
    ev.prevent_default();
    let Some(desk) = current() else { return };
    let fields = {
        let mut state = desk.state.borrow_mut();
        let Some(work) = state.work.as_mut() else {
            return;
        };
        let Some(draft) = work.draft.as_ref() else {
            return;
        };
        let fields = draft.fields(step);
        work.step = Some(step);
        fields
    };
    desk.show_apply(step, fields, Vec::new(), None);
}

/// `/apply/outreach/{step}`: a page of the resident's application on the desk.
fn step_of(href: &str) -> Option<ApplyStep> {
    let rest = href.strip_prefix(&format!("/apply/{OUTREACH_TOKEN}/"))?;
    ApplyStep::parse(rest)
}

// --- the PIN ---------------------------------------------------------------------------------------

impl Desk {
    fn take_pin(&self, fields: &Fields) {
        let pin = fields.text(screens::PIN_FIELD);
        let new = !self.state.borrow().has_pin;
        if !screens::pin_ok(&pin) {
            return self.show_pin(Some(PinProblem::Format), false);
        }
        if new && fields.get(screens::PIN_CONFIRM_FIELD) != Some(pin.as_str()) {
            return self.show_pin(Some(PinProblem::Mismatch), false);
        }
        self.show_pin(None, true);
        let code = self.setup.volunteer.code.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let opened = call("unlock", &[s(&code), s(&pin)])
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            let Some(desk) = current() else { return };
            if !opened {
                return desk.show_pin(Some(PinProblem::Wrong), false);
            }
            {
                let mut state = desk.state.borrow_mut();
                state.unlocked = true;
                state.has_pin = true;
            }
            // Asked once the volunteer has acted, which is when browsers grant it.
            let _ = call("persist", &[]).await;
            to_start().await;
        });
    }

    fn show_pin(&self, problem: Option<PinProblem>, working: bool) {
        let new = !self.state.borrow().has_pin;
        self.state.borrow_mut().on_start = false;
        self.show(
            screens::pin(self.setup.lang, new, problem, working),
            problem.is_some(),
        );
    }
}

async fn forget_pin() {
    let Some(desk) = current() else { return };
    let _ = call("forgetPin", &[s(&desk.setup.volunteer.code)]).await;
    {
        let mut state = desk.state.borrow_mut();
        state.has_pin = false;
        state.unlocked = false;
        state.drafts.clear();
        state.work = None;
    }
    desk.show_pin(None, false);
}

// --- the start screen --------------------------------------------------------------------------------

#[derive(Deserialize)]
struct SealedDraft {
    work: String,
}

#[derive(Deserialize)]
struct Queue {
    waiting: Vec<String>,
    refused: Vec<QueuedRefusal>,
    arrived: Vec<String>,
}

#[derive(Deserialize)]
struct QueuedRefusal {
    client_id: String,
    receipt_code: String,
    reason: Option<String>,
}

#[derive(Deserialize)]
struct Space {
    used: f64,
    quota: f64,
    persisted: bool,
}

#[derive(Deserialize)]
struct Outcome {
    arrived: u32,
    stopped: Option<String>,
}

/// Saves the resident in progress, and shows the start screen with what the phone holds.
async fn to_start() {
    let Some(desk) = current() else { return };
    if !desk.state.borrow().unlocked {
        return desk.show_pin(None, false);
    }
    let work = desk.state.borrow_mut().work.take();
    if let Some(work) = work {
        save(&work).await;
    }
    let drafts: Vec<SealedDraft> = call_json("drafts", &[]).await.unwrap_or_default();
    let drafts: Vec<Work> = drafts
        .iter()
        .filter_map(|d| serde_json::from_str(&d.work).ok())
        .collect();
    refresh_queue(&desk).await;
    {
        let mut state = desk.state.borrow_mut();
        state.drafts = drafts;
        state.on_start = true;
    }
    desk.show_start();
}

async fn refresh_queue(desk: &Desk) {
    let queue: Option<Queue> = call_json("queue", &[]).await;
    let space: Option<Space> = call_json("storage", &[]).await;
    let mut state = desk.state.borrow_mut();
    if let Some(queue) = queue {
        state.waiting = queue.waiting.len();
        state.refused = queue
            .refused
            .into_iter()
            .map(|r| RefusedLine {
                client_id: r.client_id,
                receipt_code: r.receipt_code,
                reason: r.reason.unwrap_or_default(),
            })
            .collect();
        state.arrived = queue.arrived;
    }
    state.space = space.map(|s| (s.used, (s.quota - s.used).max(0.0), s.persisted));
}

impl Desk {
    fn show_start(&self) {
        let lines: Vec<DraftLine>;
        let view = {
            let state = self.state.borrow();
            lines = state
                .drafts
                .iter()
                .map(|w| DraftLine {
                    id: w.id.clone(),
                    name: w
                        .draft
                        .as_ref()
                        .and_then(|d| d.applicant.as_ref())
                        .map(|a| a.name.clone())
                        .filter(|n| !n.is_empty()),
                    started: w.started,
                })
                .collect();
            screens::start(
                self.setup.lang,
                &Start {
                    volunteer: &self.setup.volunteer,
                    event: state.event.as_deref(),
                    drafts: &lines,
                    waiting: state.waiting,
                    refused: &state.refused,
                    arrived: &state.arrived,
                    note: state.note,
                    space: state.space,
                },
            )
        };
        self.show(view, false);
    }

    fn new_resident(&self, fields: &Fields) {
        let events = &self.setup.volunteer.events;
        let Some(event) = fields
            .get(screens::EVENT_FIELD)
            .filter(|code| events.iter().any(|e| e.code == *code))
            .or_else(|| events.first().map(|e| e.code.as_str()))
            .map(str::to_owned)
        else {
            return;
        };
        let id = random_id();
        let flow = Flow::start(None);
        let work = Work {
            id,
            event: event.clone(),
            started: now_unix(),
            check_answers: flow.encoded_answers(),
            check_step: flow.step.code().to_owned(),
            draft: None,
            step: None,
            photos: Vec::new(),
            taken_at: BTreeMap::new(),
        };
        {
            let mut state = self.state.borrow_mut();
            state.event = Some(event);
            state.on_start = false;
            state.work = Some(work.clone());
        }
        wasm_bindgen_futures::spawn_local(async move { save(&work).await });
        self.show_check(&flow);
    }

    fn resume(&self, id: &str) {
        let work = {
            let state = self.state.borrow();
            state.drafts.iter().find(|w| w.id == id).cloned()
        };
        let Some(work) = work else { return };
        self.state.borrow_mut().work = Some(work.clone());
        self.state.borrow_mut().on_start = false;
        match (&work.draft, work.step) {
            (Some(draft), step) => {
                let step = step.unwrap_or_else(|| draft.first_unanswered());
                self.show_apply(step, draft.fields(step), Vec::new(), None);
            }
            (None, _) => {
                let flow = Flow::from_post(&Fields::from_pairs(&[
                    (ANSWERS_FIELD, &work.check_answers),
                    (STEP_FIELD, &work.check_step),
                    (GO_FIELD, &work.check_step),
                ]));
                self.show_check(&flow);
            }
        }
    }
}

/// Seals the resident in progress under the PIN's key.
async fn save(work: &Work) {
    if let Ok(text) = serde_json::to_string(work) {
        let _ = call("saveDraft", &[s(&work.id), s(&text)]).await;
    }
}

fn save_later(work: Work) {
    wasm_bindgen_futures::spawn_local(async move { save(&work).await });
}

// --- sending -------------------------------------------------------------------------------------------

async fn send() {
    let Some(desk) = current() else { return };
    let key = desk.setup.volunteer.receipt_key.clone();
    if desk.state.borrow().on_start {
        desk.state.borrow_mut().note = Some(SendNote::Sending);
        desk.show_start();
    }
    // The outcome arrives through `whenSynced` (also for sends the page did not start).
    let _ = call("sync", &[s(&key)]).await;
}

async fn after_sync(outcome: String) {
    let Some(desk) = current() else { return };
    let Ok(outcome) = serde_json::from_str::<Outcome>(&outcome) else {
        return;
    };
    let note = match outcome.stopped.as_deref() {
        Some("offline") => SendNote::Offline,
        Some("sign_in") => SendNote::SignIn,
        Some("receipt_invalid") => SendNote::ReceiptInvalid,
        Some(_) => SendNote::Retry,
        None => SendNote::Arrived(outcome.arrived),
    };
    desk.state.borrow_mut().note = Some(note);
    refresh_queue(&desk).await;
    if desk.state.borrow().on_start && desk.state.borrow().unlocked {
        desk.show_start();
    }
}

// --- the resident's pages --------------------------------------------------------------------------

impl Desk {
    fn show_check(&self, flow: &Flow) {
        let lang = self.setup.lang;
        let view = view! {
            {screens::back_to_start(lang)}
            <form data-outreach="check" class="self-check" novalidate>
                {self_check::page(lang, flow, &self.setup.standards, &self.setup.links)}
            </form>
        };
        self.show(view, !flow.problems.is_empty());
        set_title(&self_check::page_title(lang, flow));
    }

    fn check_page(&self, fields: &Fields, apply: bool) {
        let mut state = self.state.borrow_mut();
        let Some(work) = state.work.as_mut() else {
            return;
        };
        if apply {
            let Some(mut draft) = fields
                .get(ANSWERS_FIELD)
                .and_then(ApplicationDraft::from_self_check)
            else {
                return;
            };
            // The volunteer fills it in, at the event chosen on the start screen.
            draft.who = Some(Who::Volunteer {
                volunteer_code: self.setup.volunteer.code.clone(),
                event_code: work.event.clone(),
            });
            let step = draft.first_unanswered();
            let shown = draft.fields(step);
            work.draft = Some(draft);
            work.step = Some(step);
            save_later(work.clone());
            drop(state);
            return self.show_apply(step, shown, Vec::new(), None);
        }
        let flow = Flow::from_post(fields);
        work.check_answers = flow.encoded_answers();
        work.check_step = flow.step.code().to_owned();
        save_later(work.clone());
        drop(state);
        self.show_check(&flow);
    }

    fn apply_page(&self, step: ApplyStep, fields: &Fields) {
        let mut state = self.state.borrow_mut();
        let Some(work) = state.work.as_mut() else {
            return;
        };
        let Some(draft) = work.draft.as_mut() else {
            return;
        };
        if step == ApplyStep::Check {
            drop(state);
            return self.finish();
        }
        let checked = draft
            .apply(step, fields)
            .and_then(|()| self.codes_problems(draft));
        match checked {
            Ok(()) => {
                if let Some(name) = consent_name(step) {
                    work.taken_at.insert(name.to_owned(), now_iso());
                }
                let next = draft.next_after(step);
                let shown = draft.fields(next);
                work.step = Some(next);
                save_later(work.clone());
                drop(state);
                self.show_apply(next, shown, Vec::new(), None);
            }
            Err(problems) => {
                drop(state);
                self.show_apply(step, fields.clone(), problems, None);
            }
        }
    }

    /// A volunteer's codes must be their own and an event they are on (the server checks again).
    fn codes_problems(&self, draft: &mut ApplicationDraft) -> Result<(), Vec<ApplyFieldProblem>> {
        let Some(Who::Volunteer {
            volunteer_code,
            event_code,
        }) = &draft.who
        else {
            return Ok(());
        };
        let volunteer = &self.setup.volunteer;
        let problem = if *volunteer_code != volunteer.code {
            Some((
                crate::apply::field::VOLUNTEER_CODE,
                ApplyProblem::UnknownVolunteer,
            ))
        } else if !volunteer.events.iter().any(|e| e.code == *event_code) {
            Some((crate::apply::field::EVENT_CODE, ApplyProblem::NotOnEvent))
        } else {
            None
        };
        match problem {
            None => Ok(()),
            Some((field, problem)) => {
                // The answer is not taken: back to "who" as it was.
                draft.who = None;
                Err(vec![ApplyFieldProblem {
                    field: field.to_owned(),
                    problem,
                }])
            }
        }
    }

    fn show_apply(
        &self,
        step: ApplyStep,
        shown: Fields,
        problems: Vec<ApplyFieldProblem>,
        upload_problem: Option<UploadProblem>,
    ) {
        let lang = self.setup.lang;
        let focus_problems = !problems.is_empty() || upload_problem.is_some();
        let view = {
            let state = self.state.borrow();
            let Some(work) = state.work.as_ref() else {
                return;
            };
            let Some(draft) = work.draft.clone() else {
                return;
            };
            let data = ApplyPageData {
                token: OUTREACH_TOKEN.to_owned(),
                step,
                draft,
                shown,
                problems,
                submit_failed: false,
                submit_limited: None,
                tracking_url: String::new(),
                uploads: work
                    .photos
                    .iter()
                    .map(|p| {
                        let bytes = (p.data.len() * 3 / 4) as i64;
                        (p.document.clone(), "image/jpeg".to_owned(), bytes)
                    })
                    .collect(),
                upload_problem,
                max_upload_bytes: 0,
                outreach: true,
            };
            let title = crate::apply::title(lang, step);
            set_title(title);
            view! {
                {screens::back_to_start(lang)}
                {apply_page(lang, &data, &self.setup.standards)}
            }
        };
        self.show(view, focus_problems);
    }

    /// The check page's "send": the application is read as the server will read it, sealed to
    /// the bureau and queued; the draft goes in the same step.
    fn finish(&self) {
        let (work, draft) = {
            let state = self.state.borrow();
            let Some(work) = state.work.clone() else {
                return;
            };
            let Some(draft) = work.draft.clone() else {
                return;
            };
            (work, draft)
        };
        let request = draft.to_request();
        if let Err(problems) = casework::read_application(&request) {
            // Each page checked its own answers; a rule changed since: answer that page again.
            let step = if problems.iter().any(|p| p.field.starts_with("submitted_by")) {
                ApplyStep::Who
            } else {
                draft.first_unanswered()
            };
            return self.show_apply(step, draft.fields(step), Vec::new(), None);
        }
        let mut taken_at = work.taken_at.clone();
        taken_at.insert("finished".to_owned(), now_iso());
        let record = serde_json::json!({
            "application": request,
            "photos": work.photos,
            "taken_at": taken_at,
        });
        let seal_key = self.setup.volunteer.seal_key.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Some(desk) = current() else { return };
            let code = call("seal", &[s(&work.id), s(&record.to_string()), s(&seal_key)])
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(code) = code else {
                // Not sealed: the draft is still there, sealed under the PIN; nothing is lost.
                return desk.show_apply(ApplyStep::Check, Fields::default(), Vec::new(), None);
            };
            desk.state.borrow_mut().work = None;
            desk.show(screens::sealed(desk.setup.lang, &code), false);
            send().await;
        });
    }
}

/// The name a consent's time is kept under, as the sync record carries it.
fn consent_name(step: ApplyStep) -> Option<&'static str> {
    Some(match step {
        ApplyStep::ConsentApplication => "three_in_one",
        ApplyStep::ConsentVerification => "verification_authorizations",
        ApplyStep::ConsentSensitive => "sensitive_information",
        ApplyStep::ConsentPublicNotice => "public_notice",
        ApplyStep::ConsentApplicant => "applicant_confirmed",
        _ => return None,
    })
}

/// The photos page's "add": the photo is shrunk on the phone and kept with the resident's work.
async fn add_photo(form: web_sys::HtmlFormElement, fields: Fields) {
    let Some(desk) = current() else { return };
    let document = fields.text("document");
    let problem = if casework::DocumentKind::parse(&document).is_none() {
        Some(UploadProblem::ChooseDocument)
    } else if desk
        .state
        .borrow()
        .work
        .as_ref()
        .is_some_and(|w| w.photos.len() >= MAX_PHOTOS)
    {
        Some(UploadProblem::TooManyFiles)
    } else {
        None
    };
    let input = form.query_selector("input[type=file]").ok().flatten();
    let data = match (problem, input) {
        (None, Some(input)) => call("shrink", &[input.into()]).await,
        _ => Ok(JsValue::NULL),
    };
    let problem = problem.or(match &data {
        Ok(v) if v.as_string().is_some_and(|d| !d.is_empty()) => None,
        Ok(v) if v.as_string().is_some() => Some(UploadProblem::ChooseFile),
        _ => Some(UploadProblem::Unreadable),
    });
    if problem.is_none() {
        let mut state = desk.state.borrow_mut();
        if let (Some(work), Some(data)) =
            (state.work.as_mut(), data.ok().and_then(|d| d.as_string()))
        {
            work.photos.push(Photo { document, data });
            save_later(work.clone());
        }
    }
    desk.show_apply(ApplyStep::Photos, Fields::default(), Vec::new(), problem);
}

// --- building a screen ----------------------------------------------------------------------------------

fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

impl Desk {
    /// Replaces the screen with `view`; focus goes to its heading, or to its problems.
    fn show<V: Render>(&self, view: V, has_problems: bool)
    where
        V::State: 'static,
    {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(screen) = document.get_element_by_id(SCREEN_ID) else {
            return;
        };
        let mut shown = self.shown.borrow_mut();
        match shown.as_mut() {
            Some(previous) => previous.unmount(),
            None => {
                screen.set_inner_html("");
                if let Some(intro) = document.get_element_by_id(INTRO_ID) {
                    let _ = intro.set_attribute("hidden", "");
                }
            }
        }
        let mut built = view.build();
        built.mount(&screen, None);
        *shown = Some(Box::new(built));
        drop(shown);
        crate::read_aloud::reveal();
        let target = if has_problems {
            document
                .query_selector(&format!(
                    "#{SCREEN_ID} .error-summary, #{SCREEN_ID} .field-error input"
                ))
                .ok()
                .flatten()
        } else {
            document
                .query_selector(&format!("#{SCREEN_ID} h1"))
                .ok()
                .flatten()
        };
        if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            if !element.has_attribute("tabindex") {
                let _ = element.set_attribute("tabindex", "-1");
            }
            let _ = element.focus();
        }
        if !has_problems {
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
    }
}
