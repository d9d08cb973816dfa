//! Addresses: checking `--base-url`, and telling whether one reaches only
//! this computer.

/// Checks a base URL: absolute `http://` or `https://` with a host (name or
/// IP address), an optional port and path, no query or fragment. Returns it
/// without a trailing slash.
pub fn check_base_url(url: &str) -> anyhow::Result<String> {
    let bad = |why: &str| {
        anyhow::anyhow!(
            "--base-url {url:?} {why}; give the address people reach Spiegel at, like \
             https://spiegel.example.nl (or SPIEGEL_BASE_URL)"
        )
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("does not start with http:// or https://"))?;
    if rest.contains(|c: char| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
        return Err(bad("holds spaces, a query (?) or a fragment (#)"));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("holds a user name"));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (ip, after) = v6.split_once(']').ok_or_else(|| bad("has no host"))?;
            ip.parse::<std::net::Ipv6Addr>()
                .map_err(|_| bad("has an invalid IPv6 address"))?;
            (ip, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let host_ok = !host.is_empty()
        && (host.contains(':')
            || host
                .split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-')));
    if !host_ok {
        return Err(bad("has no valid host name"));
    }
    if let Some(p) = port
        && p.parse::<u16>().is_err()
    {
        return Err(bad("has an invalid port"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Whether a (checked) base URL points at this computer only.
pub fn is_local_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}
