//! `wijksim serve`: the what-if page. A local web server (axum on tokio) with one page whose
//! levers re-run the loaded scenario on the same draws and redraw its charts.
//!
//! Routes: `/` (the page), `/app.js` and `/style.css` (embedded in the binary), and the API:
//! `GET /api/levers`, `POST /api/run`, `POST /api/scenario` (the what-if as a scenario file),
//! `POST /api/report` (report.html). Everything else is 404. Request bodies are limited to
//! [`BODY_LIMIT`] bytes; one run at a time (a lever run cancels the one before it); the
//! server stops cleanly when `shutdown` is cancelled (Ctrl-C).

pub mod levers;
pub mod view;
pub mod whatif;

use crate::engine::Cancel;
use crate::plot::{self, ChartKind, Lang};
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use whatif::{WhatIf, WhatIfError};

/// The largest request body accepted, bytes (a request holds a dozen lever values).
pub const BODY_LIMIT: usize = 16 * 1024;

/// The page, its script and its stylesheet, compiled in: the page works offline and loads
/// nothing from elsewhere.
const PAGE: &str = include_str!("../../assets/serve/index.html");
const SCRIPT: &str = include_str!("../../assets/serve/app.js");
const STYLE: &str = include_str!("../../assets/serve/style.css");

/// Only our own script and styles; charts are inline SVG.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The server's state, shared by all requests.
struct AppState {
    whatif: Arc<WhatIf>,
    /// The language of the page when the request names none.
    lang: Lang,
    /// Cancels the lever run in progress: a newer change replaces it.
    current: Mutex<Cancel>,
    /// Held by the run in progress (one at a time).
    runs: Arc<tokio::sync::Mutex<()>>,
    /// Cancelled on Ctrl-C: stops every run.
    shutdown: Cancel,
}

impl AppState {
    fn new(whatif: Arc<WhatIf>, lang: Lang, shutdown: Cancel) -> Arc<AppState> {
        Arc::new(AppState {
            whatif,
            lang,
            current: Mutex::new(Cancel::default()),
            runs: Arc::new(tokio::sync::Mutex::new(())),
            shutdown,
        })
    }

    /// Stops the lever run in progress, if any.
    fn cancel_current(&self) {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .cancel();
    }
}

/// The router of the page and its API over `whatif`.
pub fn router(whatif: Arc<WhatIf>, lang: Lang, shutdown: Cancel) -> Router {
    routes(AppState::new(whatif, lang, shutdown))
}

fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(script))
        .route("/style.css", get(style))
        .route("/api/levers", get(lever_list))
        .route("/api/run", post(run))
        .route("/api/scenario", post(scenario_file))
        .route("/api/report", post(report))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serves `whatif` on `addr` until `shutdown` is cancelled; calls `started` with the bound
/// address once it listens (port 0 picks a free port).
///
/// # Errors
/// The address cannot be bound, or the runtime cannot start.
pub fn serve(
    whatif: WhatIf,
    addr: SocketAddr,
    lang: Lang,
    shutdown: Cancel,
    started: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        started(listener.local_addr()?);
        let state = AppState::new(Arc::new(whatif), lang, shutdown.clone());
        let app = routes(state.clone());
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                while !shutdown.is_cancelled() {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                state.cancel_current();
            })
            .await?;
        Ok(())
    })
}

/// A refused request: its status and JSON body.
struct Refusal {
    status: StatusCode,
    body: serde_json::Value,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// A JSON error: `{"error": message}` with the status.
fn error(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        body: json!({ "error": message.into() }),
    }
}

async fn not_found() -> Refusal {
    error(
        StatusCode::NOT_FOUND,
        "no such page: the what-if page is at /",
    )
}

async fn wrong_method() -> Refusal {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "wrong method: the API's GET route is /api/levers; /api/run, /api/scenario and /api/report take a POST",
    )
}

/// `?lang=en|nl`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LangQuery {
    lang: Option<String>,
}

fn parse_lang(s: Option<&str>, default: Lang) -> Result<Lang, Refusal> {
    match s {
        None => Ok(default),
        Some("en") => Ok(Lang::En),
        Some("nl") => Ok(Lang::Nl),
        Some(other) => Err(error(
            StatusCode::BAD_REQUEST,
            format!(
                "lang: `{}` is not a language of the page; use en or nl",
                other.chars().take(20).collect::<String>()
            ),
        )),
    }
}

fn query_lang(q: Result<Query<LangQuery>, QueryRejection>, default: Lang) -> Result<Lang, Refusal> {
    match q {
        Ok(Query(q)) => parse_lang(q.lang.as_deref(), default),
        Err(e) => Err(error(StatusCode::BAD_REQUEST, e.body_text())),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn page(
    State(s): State<Arc<AppState>>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Result<Response, Refusal> {
    let lang = query_lang(q, s.lang)?;
    let html = PAGE.replace("{{lang}}", lang.code());
    let mut r = asset("text/html; charset=utf-8", "");
    *r.body_mut() = html.into();
    Ok(r)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

/// The page's words that are not lever labels, in the language.
fn texts(lang: Lang) -> serde_json::Value {
    let l = |en: &'static str, nl: &'static str| lang.t(en, nl);
    json!({
        "title": l("What if?", "Wat als?"),
        "levers": l("Levers", "Schuiven"),
        "reset": l("Back to the loaded scenario", "Terug naar het geladen scenario"),
        "download_scenario": l("Download scenario (TOML)", "Scenario downloaden (TOML)"),
        "download_report": l("Download report (HTML)", "Rapport downloaden (HTML)"),
        "running": l("Running…", "Bezig met rekenen…"),
        "ran": l("draws in", "trekkingen in"),
        "seconds": l("s", "s"),
        "no_changes": l("No lever moved: the what-if is the loaded scenario.", "Geen schuif verzet: wat-als is het geladen scenario."),
        "changes": l("Moved:", "Verzet:"),
        "failed": l("Not run:", "Niet gerekend:"),
        "on": l("on", "aan"),
        "off": l("off", "uit"),
        "language": l("Nederlands", "English"),
        "other_lang": l("nl", "en"),
        "same_draws": l(
            "Every change re-runs the model on the same draws as the loaded scenario (common random numbers), so a difference is the effect of the levers, not of chance.",
            "Elke wijziging rekent het model opnieuw op dezelfde trekkingen als het geladen scenario (gemeenschappelijke toevalsgetallen): een verschil komt door de schuiven, niet door toeval.",
        ),
        "seed": l("seed", "startgetal"),
        "draws": l("draws", "trekkingen"),
    })
}

async fn lever_list(
    State(s): State<Arc<AppState>>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Result<Response, Refusal> {
    let lang = query_lang(q, s.lang)?;
    let w = &s.whatif;
    Ok(axum::Json(json!({
        "scenario": w.loaded.name,
        "description": w.loaded.description,
        "file": w.file.display().to_string(),
        "draws": w.loaded.run.draws,
        "seed": w.loaded.run.seed,
        "lang": lang.code(),
        "levers": w.baseline.views(lang),
        "texts": texts(lang),
    }))
    .into_response())
}

/// A request's body: the language and the lever values (levers left out keep the loaded
/// scenario's value).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    levers: serde_json::Map<String, serde_json::Value>,
}

/// The checked language and lever values of a request, or the answer that refuses it.
fn checked(
    s: &AppState,
    body: Result<axum::Json<Request>, JsonRejection>,
) -> Result<(Lang, levers::Settings), Refusal> {
    let axum::Json(req) = body.map_err(|e| error(e.status(), e.body_text()))?;
    let lang = parse_lang(req.lang.as_deref(), s.lang)?;
    let settings = s
        .whatif
        .baseline
        .settings(&req.levers, lang)
        .map_err(|problems| invalid(&problems))?;
    Ok((lang, settings))
}

fn invalid(problems: &[levers::LeverProblem]) -> Refusal {
    Refusal {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "problems": problems }),
    }
}

fn refused(e: WhatIfError) -> Refusal {
    match e {
        WhatIfError::Invalid(p) => invalid(&p),
        WhatIfError::Superseded => error(StatusCode::CONFLICT, e.to_string()),
        WhatIfError::Failed(m) => error(StatusCode::INTERNAL_SERVER_ERROR, m),
    }
}

/// Runs `work` on a blocking thread while holding the run lock (so that a run whose request
/// went away still counts until it stops).
async fn exclusive<T: Send + 'static>(
    s: &AppState,
    work: impl FnOnce() -> Result<T, WhatIfError> + Send + 'static,
) -> Result<T, WhatIfError> {
    let guard = s.runs.clone().lock_owned().await;
    tokio::task::spawn_blocking(move || {
        let _guard = guard;
        work()
    })
    .await
    .map_err(|e| WhatIfError::Failed(format!("the run stopped: {e}")))?
}

/// A cancel flag that the server's shutdown also sets.
fn linked(s: &AppState) -> Cancel {
    let c = Cancel::default();
    if s.shutdown.is_cancelled() {
        c.cancel();
    }
    c
}

async fn run(
    State(s): State<Arc<AppState>>,
    body: Result<axum::Json<Request>, JsonRejection>,
) -> Result<Response, Refusal> {
    let (lang, settings) = checked(&s, body)?;
    // This run replaces the one before it; a shutdown after the swap cancels it through
    // `current`, one before it is seen here.
    let cancel = Cancel::default();
    {
        let mut current = s.current.lock().unwrap_or_else(|e| e.into_inner());
        current.cancel();
        *current = cancel.clone();
    }
    if s.shutdown.is_cancelled() {
        cancel.cancel();
    }
    let w = s.whatif.clone();
    let result = exclusive(&s, move || {
        if cancel.is_cancelled() {
            return Err(WhatIfError::Superseded);
        }
        let sc = w.scenario(&settings, lang)?;
        let outcome = w.run(&sc, &cancel)?;
        let changes = w.baseline.describe(&settings, lang);
        view::view(&w, &outcome, changes, lang).map_err(|e| WhatIfError::Failed(e.to_string()))
    })
    .await;
    Ok(axum::Json(result.map_err(refused)?).into_response())
}

fn attachment(content_type: &'static str, file_name: &str, body: String) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The name is made from the scenario's file name: keep it to safe characters.
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

async fn scenario_file(
    State(s): State<Arc<AppState>>,
    body: Result<axum::Json<Request>, JsonRejection>,
) -> Result<Response, Refusal> {
    let (lang, settings) = checked(&s, body)?;
    // Validated as the run would be: a file that does not load is not offered.
    s.whatif.scenario(&settings, lang).map_err(refused)?;
    Ok(attachment(
        "application/toml; charset=utf-8",
        &s.whatif.file_name(),
        s.whatif.document(&settings, lang),
    ))
}

async fn report(
    State(s): State<Arc<AppState>>,
    body: Result<axum::Json<Request>, JsonRejection>,
) -> Result<Response, Refusal> {
    let (lang, settings) = checked(&s, body)?;
    let w = s.whatif.clone();
    let cancel = linked(&s);
    let result = exclusive(&s, move || {
        let sc = w.scenario(&settings, lang)?;
        let results = whatif::run_results(&sc, w.threads, &cancel)?;
        let charts = ChartKind::ALL
            .into_iter()
            .map(|k| plot::render_svg(k, &results, lang))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| WhatIfError::Failed(e.to_string()))?;
        Ok((
            sc.name.clone(),
            crate::report::html(&results, &charts, lang),
        ))
    })
    .await;
    let (name, html) = result.map_err(refused)?;
    Ok(attachment(
        "text/html; charset=utf-8",
        &format!("{name}_report.html"),
        html,
    ))
}
