//! `spiegel healthcheck`: a plain HTTP/1.0 `GET /healthz` to a running
//! server, so that a container image needs no curl or shell to probe it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Context, bail};

pub fn check(addr: &str, timeout: u64) -> anyhow::Result<()> {
    let timeout = Duration::from_secs(timeout.max(1));
    let target = loopback_for(addr)?;
    let mut stream = TcpStream::connect_timeout(&target, timeout)
        .with_context(|| format!("cannot connect to {target}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut answer = Vec::new();
    stream
        .take(4096)
        .read_to_end(&mut answer)
        .with_context(|| format!("no answer from {target}"))?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        bail!("http://{target}/healthz answered {status:?}");
    }
    println!("ok");
    Ok(())
}

/// The address to ask: `addr` resolved, with an unspecified IP address
/// (0.0.0.0, ::), which a server listens on but nobody connects to, replaced
/// by loopback.
fn loopback_for(addr: &str) -> anyhow::Result<SocketAddr> {
    let mut target = addr
        .to_socket_addrs()
        .with_context(|| format!("--addr {addr:?} is not an address like 127.0.0.1:8080"))?
        .next()
        .with_context(|| format!("--addr {addr:?} resolves to no address"))?;
    if target.ip().is_unspecified() {
        target.set_ip(match target {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::loopback_for;

    #[test]
    fn an_unspecified_address_is_asked_on_loopback() {
        assert_eq!(
            loopback_for("0.0.0.0:8080").unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(loopback_for("[::]:80").unwrap().to_string(), "[::1]:80");
        assert_eq!(
            loopback_for("10.1.2.3:9").unwrap().to_string(),
            "10.1.2.3:9"
        );
        assert!(loopback_for("no-port").is_err());
    }
}
