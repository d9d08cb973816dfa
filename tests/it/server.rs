//! The server started in-process as `serve` and `demo` start it:
//! `Application::build` on port 0, then `run_until` a shutdown signal.

use spiegel::server::{self, Application, Config};

use crate::support::{TestDir, request};

#[test]
fn the_application_serves_on_its_port_until_stopped() {
    let dir = TestDir::new();
    dir.ok(&["init", "--org", "Test BV"]);
    let rt = server::runtime().unwrap();
    let app = rt
        .block_on(Application::build(Config {
            db: dir.db(),
            addr: "127.0.0.1:0".into(),
            base_url: None,
            max_failures: 100,
            surveys: None,
            conversation: None,
        }))
        .unwrap();
    assert_ne!(app.port(), 0);
    assert_eq!(app.base_url(), format!("http://{}", app.addr()));
    let addr = app.addr().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = rt.spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let res = request(&addr, "GET", "/healthz", &[], b"");
    assert_eq!((res.status, res.body.as_str()), (200, "ok"));
    stop.send(()).unwrap();
    rt.block_on(running).unwrap().unwrap();
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "stopped listening"
    );
}

#[test]
fn the_application_needs_an_existing_database() {
    let dir = TestDir::new();
    let rt = server::runtime().unwrap();
    let built = rt.block_on(Application::build(Config {
        db: dir.db(),
        addr: "127.0.0.1:0".into(),
        base_url: None,
        max_failures: 100,
        surveys: None,
        conversation: None,
    }));
    let err = built.err().unwrap();
    assert!(
        matches!(
            err.downcast_ref::<spiegel::storage::StorageError>(),
            Some(spiegel::storage::StorageError::Missing(path)) if *path == dir.db()
        ),
        "{err}"
    );
}
