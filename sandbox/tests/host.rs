//! The host pages over real HTTP: pages, widget files and their Content-Types, the test
//! switches, the "no widget" notice, path traversal, the saved settings and the sources
//! Digital Pipeline lists.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, VARY,
};
use sandbox::host::{router, HostAuth, HostConfig, XAuthClaims};
use sandbox::{App, Config};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PAGES: [&str; 7] = [
    "/",
    "/settings/widgets",
    "/settings/widgets/",
    "/settings/widgets/sources_manager/advanced",
    "/settings/widgets/sources_manager/",
    "/digital-pipeline",
    "/leads/pipeline/42/settings",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fake_widget() -> PathBuf {
    repo().join("tests/e2e/fixtures/fake-widget")
}

fn config(widget_dir: Option<PathBuf>, demo_token: Option<&str>) -> HostConfig {
    HostConfig {
        widget_dir,
        vendor_dir: repo().join("node_modules"),
        demo_token: demo_token.map(str::to_owned),
        auth: HostAuth::default(),
    }
}

/// A host router on an ephemeral loopback port (beside a Sources API it does not route).
async fn start(config: HostConfig) -> String {
    let app = App::new(Config::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(config, app)).await.unwrap() });
    format!("http://{addr}")
}

/// A scratch folder under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sandbox-host-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn get(url: &str) -> (u16, String, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

async fn text(url: &str) -> String {
    let (status, content_type, body) = get(url).await;
    assert_eq!(status, 200, "{url}");
    assert!(
        content_type.starts_with("text/html"),
        "{url}: {content_type}"
    );
    String::from_utf8(body).unwrap()
}

async fn post(url: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Sends `path` byte for byte (clients normalise `..` away), returns status line and body.
async fn raw_get(base: &str, path: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn every_page_is_html_that_loads_requirejs_and_the_host_script() {
    let base = start(config(Some(fake_widget()), None)).await;
    for page in PAGES {
        let html = text(&format!("{base}{page}")).await;
        assert!(
            html.contains("<script src=\"/vendor/require.js\">"),
            "{page}"
        );
        assert!(
            html.contains("<script src=\"/host-assets/host.js\">"),
            "{page}"
        );
        assert!(html.contains("class=\"nav-left\""), "{page}");
        assert!(!html.contains("No widget is built yet"), "{page}");
        assert!(!html.contains("{{"), "{page} has an unfilled placeholder");
    }
    let advanced = text(&format!("{base}/settings/widgets/sources_manager/advanced")).await;
    assert!(advanced.contains("<div id=\"work-area-sources_manager\""));
    let settings = text(&format!("{base}/settings/widgets")).await;
    assert!(settings.contains("id=\"widget-tile-sources_manager\""));
    let pipeline = text(&format!("{base}/leads/pipeline/42/settings")).await;
    assert!(pipeline.contains("data-pipeline=\"42\""));
    // Kommo documents no container for a lead source widget: the page offers none.
    assert!(!pipeline.contains("dp-source-sources_manager"));

    let (status, content_type, _) = get(&format!("{base}/leads/pipeline/abc/settings")).await;
    assert_eq!((status, content_type.starts_with("text/html")), (404, true));
}

#[tokio::test]
async fn host_script_styles_and_npm_packages_are_served_as_javascript_and_css() {
    let base = start(config(Some(fake_widget()), None)).await;
    let (status, content_type, body) = get(&format!("{base}/host-assets/host.js")).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/javascript"));
    assert!(String::from_utf8(body).unwrap().contains("window.__host"));
    let (status, content_type, _) = get(&format!("{base}/host-assets/host.css")).await;
    assert_eq!((status, content_type.starts_with("text/css")), (200, true));

    let (status, content_type, body) = get(&format!("{base}/vendor/require.js")).await;
    assert_eq!(status, 200, "run `npm ci` first");
    assert!(content_type.starts_with("application/javascript"));
    assert!(String::from_utf8(body).unwrap().contains("RequireJS 2."));
    let (status, content_type, body) = get(&format!("{base}/vendor/jquery.js")).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/javascript"));
    assert!(String::from_utf8(body).unwrap().contains("jQuery v3."));
}

#[tokio::test]
async fn missing_npm_packages_are_a_404_that_says_what_to_run() {
    let empty = Scratch::new();
    let base = start(HostConfig {
        widget_dir: Some(fake_widget()),
        vendor_dir: empty.0.clone(),
        demo_token: None,
        auth: HostAuth::default(),
    })
    .await;
    let (status, _, body) = get(&format!("{base}/vendor/require.js")).await;
    assert_eq!(status, 404);
    assert!(String::from_utf8(body).unwrap().contains("npm ci"));
}

#[tokio::test]
async fn widget_files_come_with_the_content_type_of_their_extension() {
    let base = start(config(Some(fake_widget()), None)).await;
    let w = format!("{base}/widgets/sources_manager");
    for (file, expected) in [
        ("script.js", "application/javascript"),
        ("script.js?v=0.0.7", "application/javascript"),
        ("manifest.json", "application/json"),
        ("i18n/en.json?v=0.0.7", "application/json"),
        ("style.css", "text/css"),
        ("images/logo.png", "image/png"),
        ("empty.wasm?v=1", "application/wasm"),
    ] {
        let (status, content_type, body) = get(&format!("{w}/{file}")).await;
        assert_eq!(status, 200, "{file}");
        assert!(content_type.starts_with(expected), "{file}: {content_type}");
        let on_disk = std::fs::read(fake_widget().join(file.split('?').next().unwrap())).unwrap();
        assert_eq!(body, on_disk, "{file} is served byte for byte");
    }
    let (status, _, _) = get(&format!("{w}/nothing-here.js")).await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&format!("{w}/images")).await;
    assert_eq!(status, 404, "a folder is not a file");
    let (status, _, _) = get(&format!("{base}/widgets/another_widget/script.js")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn widget_files_revalidate_with_their_etag_so_a_second_open_reuses_them() {
    let base = start(config(Some(fake_widget()), None)).await;
    let url = format!("{base}/widgets/sources_manager/script.js?v=0.0.7");
    let client = reqwest::Client::new();
    let first = client.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()[CACHE_CONTROL], "no-cache");
    let tag = first.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(
        tag.starts_with('"') && tag.ends_with('"'),
        "a strong tag: {tag}"
    );

    let again = client
        .get(&url)
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[ETAG], tag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());

    // Another file, or another version of this one, is not the cached copy.
    let other = client
        .get(format!("{base}/widgets/sources_manager/style.css"))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    let stale = client
        .get(&url)
        .header(IF_NONE_MATCH, "\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);

    // Relabelling the wasm is a new version: a copy cached under the old label is resent.
    let wasm = format!("{base}/widgets/sources_manager/empty.wasm");
    let before = client.get(&wasm).send().await.unwrap().headers()[ETAG].clone();
    post(
        &format!("{base}/__sandbox/host"),
        json!({ "wasm_mime": "wrong" }),
    )
    .await;
    let after = client
        .get(&wasm)
        .header(IF_NONE_MATCH, before)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
    assert_eq!(after.headers()[CONTENT_TYPE], "application/octet-stream");
}

#[tokio::test]
async fn the_encoding_switch_sends_the_widget_files_gzipped_to_a_browser_that_takes_gzip() {
    let base = start(config(Some(fake_widget()), None)).await;
    let url = format!("{base}/widgets/sources_manager/script.js?v=1");
    let on_disk = std::fs::read(fake_widget().join("script.js")).unwrap();
    let client = reqwest::Client::new();
    let fetch = |accept: Option<&'static str>| {
        let mut request = client.get(&url);
        if let Some(a) = accept {
            request = request.header(ACCEPT_ENCODING, a);
        }
        request.send()
    };
    let browser = Some("gzip, deflate, br, zstd");

    let plain = fetch(browser).await.unwrap();
    assert_eq!(
        plain.headers().get(CONTENT_ENCODING),
        None,
        "identity by default"
    );
    let plain_tag = plain.headers()[ETAG].clone();
    assert_eq!(plain.bytes().await.unwrap(), on_disk);

    let (status, now) = post(
        &format!("{base}/__sandbox/host"),
        json!({ "encoding": "gzip" }),
    )
    .await;
    assert_eq!((status, now["encoding"].as_str()), (200, Some("gzip")));
    let zipped = fetch(browser).await.unwrap();
    assert_eq!(zipped.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers()[VARY], "Accept-Encoding");
    assert_ne!(zipped.headers()[ETAG], plain_tag, "another representation");
    let body = zipped.bytes().await.unwrap();
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut unzipped)
        .unwrap();
    assert_eq!(unzipped, on_disk);

    // A client that does not take gzip gets the file as it is.
    for accept in [None, Some("identity"), Some("gzip;q=0, identity")] {
        let answer = fetch(accept).await.unwrap();
        assert_eq!(answer.headers().get(CONTENT_ENCODING), None, "{accept:?}");
        assert_eq!(answer.bytes().await.unwrap(), on_disk, "{accept:?}");
    }

    post(&format!("{base}/__sandbox/host/reset"), Value::Null).await;
    let reset = fetch(browser).await.unwrap();
    assert_eq!(reset.headers().get(CONTENT_ENCODING), None);
}

#[tokio::test]
async fn the_wasm_mime_switch_relabels_wasm_and_reset_restores_it() {
    let base = start(config(Some(fake_widget()), None)).await;
    let wasm = format!("{base}/widgets/sources_manager/empty.wasm");
    let switches = format!("{base}/__sandbox/host");

    let (status, now) = post(&switches, json!({ "wasm_mime": "wrong" })).await;
    assert_eq!((status, now["wasm_mime"].as_str()), (200, Some("wrong")));
    assert_eq!(get(&wasm).await.1, "application/octet-stream");
    let read: Value = reqwest::get(&switches).await.unwrap().json().await.unwrap();
    assert_eq!(
        read,
        json!({
            "wasm_mime": "wrong",
            "csp": "none",
            "pipeline_id_as": "number",
            "files": "same",
            "encoding": "identity"
        })
    );

    let response = reqwest::Client::new()
        .post(format!("{switches}?wasm_mime=text"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(get(&wasm).await.1, "text/plain");

    let (status, why) = post(&switches, json!({ "wasm_mime": "sometimes" })).await;
    assert_eq!(status, 400);
    assert!(
        why["detail"].as_str().unwrap().contains("sometimes"),
        "{why}"
    );
    let (status, why) = post(&switches, json!({ "mime": "wrong" })).await;
    assert_eq!(status, 400, "unknown switch names are refused, not ignored");
    assert!(why["detail"].as_str().unwrap().contains("mime"), "{why}");
    assert_eq!(
        get(&wasm).await.1,
        "text/plain",
        "a refused change changes nothing"
    );

    let (status, _) = post(&format!("{switches}/reset"), Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(get(&wasm).await.1, "application/wasm");
}

#[tokio::test]
async fn the_csp_switch_puts_a_policy_without_wasm_eval_on_every_page() {
    let base = start(config(Some(fake_widget()), None)).await;
    let client = reqwest::Client::new();
    for page in PAGES {
        let response = client.get(format!("{base}{page}")).send().await.unwrap();
        assert!(response.headers().get(CONTENT_SECURITY_POLICY).is_none());
    }
    let (status, _) = post(
        &format!("{base}/__sandbox/host"),
        json!({ "csp": "strict" }),
    )
    .await;
    assert_eq!(status, 200);
    for page in PAGES {
        let response = client.get(format!("{base}{page}")).send().await.unwrap();
        let policy = response
            .headers()
            .get(CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{page} has no CSP"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("wasm-unsafe-eval") && !policy.contains("unsafe-eval"));
    }
    post(&format!("{base}/__sandbox/host"), json!({ "csp": "none" })).await;
    let response = client.get(format!("{base}/")).send().await.unwrap();
    assert!(response.headers().get(CONTENT_SECURITY_POLICY).is_none());
}

#[tokio::test]
async fn without_a_built_widget_every_page_says_so() {
    let no_dir = start(config(None, None)).await;
    let scratch = Scratch::new();
    std::fs::copy(
        fake_widget().join("manifest.json"),
        scratch.0.join("manifest.json"),
    )
    .unwrap();
    let no_script = start(config(Some(scratch.0.clone()), None)).await;
    for base in [&no_dir, &no_script] {
        for page in PAGES {
            let html = text(&format!("{base}{page}")).await;
            assert!(
                html.contains("No widget is built yet: run <code>cargo xtask dev</code>"),
                "{base}{page}"
            );
            assert!(html.contains("data-widget=\"missing\""));
            assert!(!html.contains("work-area-sources_manager"));
            assert!(!html.contains("widget-tile-sources_manager"));
        }
    }
    let (status, _, _) = get(&format!("{no_dir}/widgets/sources_manager/manifest.json")).await;
    assert_eq!(status, 404);

    // Building the widget while the sandbox runs is picked up on the next request.
    std::fs::copy(fake_widget().join("script.js"), scratch.0.join("script.js")).unwrap();
    let html = text(&format!("{no_script}/settings/widgets")).await;
    assert!(!html.contains("No widget is built yet"));
    assert!(html.contains("widget-tile-sources_manager"));
}

#[tokio::test]
async fn paths_leading_out_of_the_widget_folder_are_refused() {
    let base = start(config(Some(fake_widget()), None)).await;
    // The fixture is four levels below the repository root, whose Cargo.toml is the target.
    let attempts = [
        "/widgets/sources_manager/../../Cargo.toml",
        "/widgets/sources_manager/../../../../Cargo.toml",
        "/widgets/sources_manager/i18n/../../../../../Cargo.toml",
        "/widgets/sources_manager/%2e%2e/%2e%2e/%2e%2e/%2e%2e/Cargo.toml",
        "/widgets/sources_manager/..%2f..%2f..%2f..%2fCargo.toml",
        "/widgets/sources_manager/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2FCargo.toml",
        "/widgets/sources_manager/..%5c..%5c..%5c..%5cCargo.toml",
        "/widgets/sources_manager/%252e%252e/%252e%252e/%252e%252e/%252e%252e/Cargo.toml",
        "/widgets/sources_manager//etc/passwd",
        "/widgets/sources_manager/%2fetc%2fpasswd",
        "/widgets/sources_manager/./script.js",
        "/widgets/sources_manager/%00script.js",
    ];
    for path in attempts {
        let (status, answer) = raw_get(&base, path).await;
        assert!(status == 404 || status == 400, "{path} answered {status}");
        assert!(
            !answer.contains("[workspace]") && !answer.contains("[package]"),
            "{path}"
        );
        assert!(!answer.contains("root:"), "{path}");
    }
    // The same request without the detour works, so the refusals above are not a broken route.
    let (status, _) = raw_get(&base, "/widgets/sources_manager/script.js").await;
    assert_eq!(status, 200);
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_inside_the_widget_folder_cannot_lead_outside_it() {
    let scratch = Scratch::new();
    std::fs::write(scratch.0.join("script.js"), "define([], function () {});").unwrap();
    std::os::unix::fs::symlink(repo().join("Cargo.toml"), scratch.0.join("leak.json")).unwrap();
    let base = start(config(Some(scratch.0.clone()), None)).await;
    let (status, _, body) = get(&format!("{base}/widgets/sources_manager/leak.json")).await;
    assert_eq!(status, 404);
    assert!(!String::from_utf8_lossy(&body).contains("[workspace]"));
}

#[tokio::test]
async fn saved_settings_start_with_the_demo_token_merge_and_survive_until_reset() {
    let base = start(config(Some(fake_widget()), Some("demo-token-123"))).await;
    let url = format!("{base}/__sandbox/host/settings");
    let read = || async {
        reqwest::get(&url)
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    assert_eq!(read().await, json!({ "token": "demo-token-123" }));

    let (status, saved) = post(&url, json!({ "label": "Main office" })).await;
    assert_eq!(status, 200);
    assert_eq!(
        saved,
        json!({ "token": "demo-token-123", "label": "Main office" })
    );
    let (_, _) = post(&url, json!({ "token": "replaced" })).await;
    assert_eq!(
        read().await,
        json!({ "token": "replaced", "label": "Main office" })
    );

    for bad in ["[1, 2]", "\"token\"", "{not json", ""] {
        let response = reqwest::Client::new()
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .body(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{bad:?}");
    }
    assert_eq!(
        read().await,
        json!({ "token": "replaced", "label": "Main office" })
    );

    post(&format!("{base}/__sandbox/host/reset"), Value::Null).await;
    assert_eq!(read().await, json!({ "token": "demo-token-123" }));

    let without_demo = start(config(Some(fake_widget()), None)).await;
    let empty: Value = reqwest::get(format!("{without_demo}/__sandbox/host/settings"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(empty, json!({}));
}

#[tokio::test]
async fn source_attachments_are_kept_per_pipeline_until_detached_or_reset() {
    let base = start(config(Some(fake_widget()), None)).await;
    let url = format!("{base}/__sandbox/host/attachments");
    assert_eq!(
        post(&url, json!({ "pipeline_id": 7 })).await.1["pipelines"],
        json!([7])
    );
    assert_eq!(
        post(&url, json!({ "pipeline_id": 3, "attached": true }))
            .await
            .1["pipelines"],
        json!([3, 7])
    );
    assert_eq!(
        post(&url, json!({ "pipeline_id": 7, "attached": false }))
            .await
            .1["pipelines"],
        json!([3])
    );
    assert_eq!(post(&url, json!({ "pipeline_id": "x" })).await.0, 400);
    assert_eq!(post(&url, json!({ "pipeline_id": -1 })).await.0, 400);
    let read: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(read, json!({ "pipelines": [3] }));
    post(&format!("{base}/__sandbox/host/reset"), Value::Null).await;
    let read: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(read, json!({ "pipelines": [] }));
}

#[tokio::test]
async fn x_auth_token_carries_kommos_claims_signed_with_the_client_secret_for_the_shown_user() {
    let auth = HostAuth::for_client(
        "client-uuid-1",
        "integration-secret",
        "http://127.0.0.1:8090/oauth/callback",
    );
    let base = start(HostConfig {
        auth,
        ..config(None, None)
    })
    .await;
    let client = reqwest::Client::new();
    let mint = || async {
        let v: Value = client
            .post(format!("{base}/__sandbox/host/x-auth-token"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["token"].as_str().unwrap().to_owned()
    };
    let check = |token: &str, secret: &str| {
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.set_audience(&["http://127.0.0.1:8090"]);
        let key = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()).unwrap();
        jsonwebtoken::decode::<XAuthClaims>(token, &key, &v).map(|d| d.claims)
    };
    let first = mint().await;
    let claims = check(&first, "integration-secret").expect("signed HS256 with the client secret");
    assert!(check(&first, "another-secret").is_err());
    assert_eq!(claims.iss, base, "the account's address");
    assert_eq!(claims.client_uuid, "client-uuid-1");
    assert_eq!((claims.account_id, claims.user_id), (30470678, 1));
    assert_eq!(claims.subdomain, "sandbox");
    assert_eq!(claims.exp - claims.iat, 30 * 60);
    assert!(claims.nbf <= claims.iat + 1);
    let second = check(&mint().await, "integration-secret").unwrap();
    assert_ne!(second.jti, claims.jti, "a new id each time");

    // The page can show the account's other user; a user it does not have is refused.
    let switched = client
        .post(format!("{base}/__sandbox/host/user"))
        .body(r#"{"user_id": 2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 200);
    assert_eq!(
        check(&mint().await, "integration-secret").unwrap().user_id,
        2
    );
    let refused = client
        .post(format!("{base}/__sandbox/host/user"))
        .body(r#"{"user_id": 9}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    client
        .post(format!("{base}/__sandbox/host/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        check(&mint().await, "integration-secret").unwrap().user_id,
        1
    );
}

#[tokio::test]
async fn the_pipeline_id_switch_says_whether_the_widget_gets_numbers_or_strings() {
    let base = start(config(Some(fake_widget()), None)).await;
    let switches = format!("{base}/__sandbox/host");
    let (status, now) = post(&switches, json!({ "pipeline_id_as": "string" })).await;
    assert_eq!(
        (status, now["pipeline_id_as"].as_str()),
        (200, Some("string"))
    );
    let (status, _) = post(&switches, json!({ "pipeline_id_as": "float" })).await;
    assert_eq!(status, 400);
    let read: Value = reqwest::get(&switches).await.unwrap().json().await.unwrap();
    assert_eq!(read["pipeline_id_as"], "string");
    post(&format!("{switches}/reset"), Value::Null).await;
    let read: Value = reqwest::get(&switches).await.unwrap().json().await.unwrap();
    assert_eq!(read["pipeline_id_as"], "number");
}

/// The sources listing of `pipeline`, waiting for a change after `since` when given.
async fn listing(base: &str, pipeline: &str, since: Option<u64>) -> (u16, Value) {
    let mut url = format!("{base}/__sandbox/host/sources?pipeline_id={pipeline}");
    if let Some(v) = since {
        url.push_str(&format!("&since={v}"));
    }
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(content_type, "application/problem+json");
    }
    (status, response.json().await.unwrap())
}

fn names(listing: &Value) -> Vec<&str> {
    listing["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn digital_pipeline_lists_the_integrations_sources_of_one_pipeline_and_their_changes() {
    const TOKEN: &str = "integration-a";
    const PARTNERS: u64 = 5884544;
    // The whole sandbox: the sources come from its API.
    let running = sandbox::spawn(
        Config {
            tokens: vec![TOKEN.into(), "integration-b".into()],
            rate_limit: 0,
            widget_dir: Some(fake_widget()),
            ..Config::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let base = running.url();
    // Without a token in the widget settings there is no integration to list.
    let (status, none) = listing(&base, "5884544", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (none["known"].as_bool(), names(&none).len()),
        (Some(false), 0)
    );

    post(
        &format!("{base}/__sandbox/host/settings"),
        json!({ "token": TOKEN }),
    )
    .await;
    let (_, partners) = listing(&base, "5884544", None).await;
    assert_eq!(partners["known"], true);
    assert_eq!(partners["pipeline_id"], PARTNERS);
    assert_eq!(names(&partners), ["Partner referrals", "Phone calls"]);
    assert_eq!(partners["sources"][0]["external_id"], "partner-ref");
    let (_, sales) = listing(&base, "5867030", None).await;
    assert!(names(&sales).contains(&"Website chat"));
    assert!(!names(&sales).contains(&"Partner referrals"));

    // A listing asked with the version it got answers when the sources change.
    let version = partners["version"].as_u64().unwrap();
    let waiting = tokio::spawn({
        let base = base.clone();
        async move { listing(&base, "5884544", Some(version)).await }
    });
    let created = reqwest::Client::new()
        .post(format!("{base}/api/v4/sources"))
        .bearer_auth(TOKEN)
        .json(&json!([{ "name": "Fair <b>booth</b>", "external_id": "fair", "pipeline_id": PARTNERS }]))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 200);
    let (_, after) = waiting.await.unwrap();
    assert!(after["version"].as_u64().unwrap() > version);
    assert_eq!(
        names(&after),
        ["Partner referrals", "Phone calls", "Fair <b>booth</b>"]
    );

    // Another integration's sources are not this widget's.
    let other = reqwest::Client::new()
        .post(format!("{base}/api/v4/sources"))
        .bearer_auth("integration-b")
        .json(&json!([{ "name": "Other", "external_id": "other", "pipeline_id": PARTNERS }]))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 200);
    let (_, again) = listing(&base, "5884544", None).await;
    assert_eq!(names(&again), names(&after));

    for bad in ["0", "-3", "abc", ""] {
        let (status, why) = listing(&base, bad, None).await;
        assert_eq!(status, 400, "{bad:?}");
        assert!(
            why["detail"].as_str().unwrap().contains("pipeline_id"),
            "{why}"
        );
    }
    let (status, _) = listing(&base, "5884544&since=soon", None).await;
    assert_eq!(status, 400);
    let (status, why) = listing(&base, "5884544&colour=red", None).await;
    assert_eq!(status, 400, "{why}");
    let response = reqwest::get(format!("{base}/__sandbox/host/sources"))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    running.stop().await;
}

#[tokio::test]
async fn the_files_switch_puts_the_widget_on_a_second_origin_with_or_without_cors() {
    let base = start(config(Some(fake_widget()), None)).await;
    let port = base.rsplit(':').next().unwrap().to_owned();
    let twin = format!("http://localhost:{port}");
    let client = reqwest::Client::new();
    let page = || async {
        let html = reqwest::get(format!("{base}/settings/widgets"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        html.split("data-files=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    };
    assert_eq!(page().await, "", "the page's own origin by default");

    for (files, allowed) in [("cors", true), ("nocors", false)] {
        let (status, _) = post(&format!("{base}/__sandbox/host"), json!({ "files": files })).await;
        assert_eq!(status, 200);
        assert_eq!(
            page().await,
            twin,
            "{files}: params.path on the second origin"
        );
        let answer = client
            .get(format!("{twin}/widgets/sources_manager/script.js"))
            .header("Origin", base.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let allow = answer
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(allow, allowed.then(|| base.clone()), "{files}");
        assert!(answer
            .headers()
            .get("access-control-allow-credentials")
            .is_none());
        // Another origin is never allowed.
        let stranger = client
            .get(format!("{twin}/widgets/sources_manager/script.js"))
            .header("Origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert!(stranger
            .headers()
            .get("access-control-allow-origin")
            .is_none());
    }
}
