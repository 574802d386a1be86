//! Where a request came from. The peer of the connection, unless that peer is one of the
//! configured `trusted_proxies`: then the client its `X-Forwarded-For` names (the nearest address
//! that is not itself a trusted proxy), and whether the client used HTTPS from its
//! `X-Forwarded-Proto`. Forwarded headers from anyone else are ignored, since anyone can send them.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::web;

/// The proxies whose forwarded headers are believed (from the `trusted_proxies` setting).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.contains(&address)
    }
}

fn trusted(request: &HttpRequest) -> Option<(IpAddr, web::Data<TrustedProxies>)> {
    let peer = request.peer_addr()?.ip();
    let proxies = request.app_data::<web::Data<TrustedProxies>>()?.clone();
    proxies.trusts(peer).then_some((peer, proxies))
}

/// The client's address: the peer, or the client a trusted proxy forwarded for.
pub fn client_address(request: &HttpRequest) -> Option<IpAddr> {
    let peer = request.peer_addr().map(|a| a.ip());
    let Some((peer, proxies)) = trusted(request) else { return peer };
    let forwarded: Vec<IpAddr> = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|part| part.trim().parse::<IpAddr>().ok())
        .collect();
    Some(forwarded.into_iter().rev().find(|address| !proxies.trusts(*address)).unwrap_or(peer))
}

/// The client's address as text, for account events and logs.
pub fn client_ip(request: &HttpRequest) -> Option<String> {
    client_address(request).map(|address| address.to_string())
}

/// Where a request came from, as the services record it.
pub fn origin(request: &HttpRequest) -> crate::services::accounts::Origin {
    crate::services::accounts::Origin::new(client_address(request))
}

/// Whether the client used HTTPS: this connection, or a trusted proxy's `X-Forwarded-Proto`.
pub fn is_https(request: &HttpRequest) -> bool {
    if request.app_config().secure() {
        return true;
    }
    trusted(request).is_some()
        && request.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.trim() == "https")
}
