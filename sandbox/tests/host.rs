//! The host pages over real HTTP: pages, widget files and their Content-Types and
//! encodings, the file switches, the "no widget" notice and path traversal.

mod host_support;

use host_support::*;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, VARY,
};
use sandbox::host::{HostAuth, HostConfig};
use serde_json::{json, Value};

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
