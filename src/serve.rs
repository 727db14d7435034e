//! `agendum serve`: a local preview. It builds into a private folder, serves it on
//! 127.0.0.1 only, rebuilds when a source file changes, and reloads open pages. A failed
//! build shows its errors in the browser instead of the page. Standard library only: a
//! preview server for one person needs no framework.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use agendum_core::diag::{Diagnostic, Pos};

/// What the server shows: the last good build, or the errors of the last attempt.
struct State {
    generation: u64,
    errors: Option<String>,
}

pub struct ServeOptions {
    pub site: PathBuf,
    pub port: u16,
    pub html_only: bool,
}

/// The script added to every served HTML page (never to the built files): it asks
/// which build is current and reloads when a new one is ready.
const RELOAD: &str = r#"<script>(function(){var g=null;function poll(){fetch("/__agendum/generation").then(function(r){return r.text()}).then(function(t){if(g!==null&&t!==g){location.reload()}g=t}).catch(function(){}).finally(function(){setTimeout(poll,700)})}poll()})();</script>"#;

pub fn serve(opts: ServeOptions, on_event: impl Fn(&str) + Send + Sync + 'static) -> Result<(), Diagnostic> {
    let listener = TcpListener::bind(("127.0.0.1", opts.port))
        .map_err(|e| Diagnostic::error(Pos::default(), format!("cannot listen on 127.0.0.1:{}: {e}", opts.port)).hint("choose another port with --port"))?;
    // One preview folder per site and port, reused by the next `serve` of that site (its
    // builds are then incremental), rather than one per process left behind in the temp
    // folder each time the server is stopped.
    let site_key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::fs::canonicalize(&opts.site).unwrap_or_else(|_| opts.site.clone()).hash(&mut h);
        h.finish()
    };
    let out = std::env::temp_dir().join(format!("agendum-serve-{site_key:016x}-{}", opts.port));
    let state = Arc::new(Mutex::new(State { generation: 0, errors: None }));
    let on_event = Arc::new(on_event);
    let build = {
        let (site, out, state, on_event) = (opts.site.clone(), out.clone(), state.clone(), on_event.clone());
        move || {
            let mut o = crate::BuildOptions::new(&site, &out);
            o.html_only = opts.html_only;
            // A panic must not end the watcher thread and leave a stale page behind.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::build(&o))).unwrap_or_else(|_| {
                Err(Diagnostic::error(Pos::default(), "the build stopped unexpectedly (a bug in agendum)")
                    .hint("please report it with the site that caused it")
                    .into())
            });
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.generation += 1;
            match result {
                Ok(r) => {
                    s.errors = None;
                    on_event(&format!("rebuilt: {} meeting(s), {} report(s)", r.meetings, r.reports));
                }
                Err(d) => {
                    let text: String = d.0.iter().map(|x| x.render(false)).collect();
                    s.errors = Some(text.clone());
                    on_event(&format!("build failed:\n{text}"));
                }
            }
        }
    };
    // The files as the first build reads them, taken before it and before any request is
    // answered: a change made after that (even while the watcher thread is starting)
    // is seen and rebuilt.
    let mut last = fingerprint(&opts.site);
    build();
    on_event(&format!("serving {} on http://127.0.0.1:{}/ (Ctrl-C to stop)", opts.site.display(), opts.port));
    {
        let site = opts.site.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(400));
            let now = fingerprint(&site);
            if now != last {
                last = now;
                build();
            }
        });
    }
    for stream in listener.incoming().flatten() {
        let (out, state) = (out.clone(), state.clone());
        std::thread::spawn(move || {
            let _ = handle(stream, &out, &state);
        });
    }
    Ok(())
}

/// Modification times and sizes of everything a build reads.
fn fingerprint(site: &Path) -> Vec<(PathBuf, SystemTime, u64)> {
    let mut out = Vec::new();
    for top in ["agendum.yaml", "content", "templates", "themes", "static"] {
        for entry in walkdir::WalkDir::new(site.join(top)).sort_by_file_name().into_iter().flatten() {
            if let Ok(meta) = entry.metadata() {
                out.push((entry.path().to_path_buf(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()));
            }
        }
    }
    out
}

fn handle(mut stream: TcpStream, out: &Path, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, 405, "text/plain; charset=utf-8", b"method not allowed");
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (generation, errors) = {
        let s = state.lock().unwrap_or_else(|e| e.into_inner());
        (s.generation, s.errors.clone())
    };
    if path == "/__agendum/generation" {
        return respond(&mut stream, 200, "text/plain; charset=utf-8", generation.to_string().as_bytes());
    }
    if let Some(errors) = errors {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed – agendum</title></head><body><main><h1>The build failed</h1><p>Fix the problems below; this page reloads when the build succeeds.</p><pre>{}</pre></main>{RELOAD}</body></html>",
            crate::render::html::escape(&errors)
        );
        return respond(&mut stream, 500, "text/html; charset=utf-8", page.as_bytes());
    }
    let Some(file) = resolve_path(out, path) else {
        return respond(&mut stream, 404, "text/plain; charset=utf-8", b"not found");
    };
    match std::fs::read(&file) {
        Err(_) => respond(&mut stream, 404, "text/plain; charset=utf-8", b"not found"),
        Ok(mut bytes) => {
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                let html = String::from_utf8_lossy(&bytes).replacen("</body>", &format!("{RELOAD}</body>"), 1);
                bytes = html.into_bytes();
            }
            respond(&mut stream, 200, kind, &bytes)
        }
    }
}

/// A URL path to a file inside `out`, or `None` if it would leave it.
fn resolve_path(out: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut file = out.to_path_buf();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." || seg == "." || seg.contains('\\') {
            return None;
        }
        file.push(seg);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "pdf" => "application/pdf",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: u16, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_output() {
        let out = Path::new("/tmp/out");
        assert_eq!(resolve_path(out, "/a/b.html"), Some(PathBuf::from("/tmp/out/a/b.html")));
        assert_eq!(resolve_path(out, "/a/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve_path(out, "/../x"), None);
        assert_eq!(resolve_path(out, "/a%20b.html"), Some(PathBuf::from("/tmp/out/a b.html")));
    }
}
