//! Who the client of a request is, for every limit: the socket peer, or — only when the peer is
//! one of the operator's trusted reverse proxies (`PORTAL_TRUSTED_PROXIES`) — the address the
//! proxies put in `X-Forwarded-For`: the right-most one that is not itself a trusted proxy.
//! IPv6 clients are keyed by their /64 (one subscriber's whole network), IPv4-mapped IPv6 as IPv4.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

/// One network in CIDR notation (`10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("{0:?} is not an IP address or network (write e.g. 10.0.0.0/8 or fd00::/8)")]
    Address(String),
    #[error("{0:?} has a prefix length that does not fit its address")]
    Prefix(String),
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (address, prefix) = match s.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (s, None),
        };
        let network: IpAddr = address
            .parse::<IpAddr>()
            .map_err(|_| CidrError::Address(s.to_owned()))?
            .to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| CidrError::Prefix(s.to_owned()))?,
        };
        Ok(Self { network, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), 32, self.prefix)
                    == masked(u128::from(u32::from(ip)), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128, self.prefix)
                    == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `bits`-wide value.
fn masked(value: u128, bits: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let drop = u32::from(bits - prefix);
    (value >> drop) << drop
}

/// The reverse proxies whose `X-Forwarded-For` is believed; empty (the default) trusts none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl FromStr for TrustedProxies {
    type Err = CidrError;

    /// A comma-separated list of networks; empty means none.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(Cidr::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|cidr| cidr.contains(ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy and the forwarded
    /// chain names someone beyond the trusted proxies.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut chain = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let Ok(value) = value.to_str() else {
                return peer;
            };
            for entry in value.split(',') {
                match forwarded_address(entry) {
                    Some(ip) => chain.push(ip),
                    None => return peer,
                }
            }
        }
        chain
            .iter()
            .rev()
            .find(|ip| !self.trusts(**ip))
            .or(chain.first())
            .copied()
            .unwrap_or(peer)
    }
}

/// One entry of `X-Forwarded-For`: an address, possibly with a port.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// What every limit counts a request's client by: an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey(String);

impl ClientKey {
    pub fn of_ip(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => {
                let network = Ipv6Addr::from(masked(u128::from(v6), 128, 64));
                Self(format!("{network}/64"))
            }
        }
    }

    /// A partner system calling with its API key is counted by the key, not by its address.
    pub fn of_partner(id: &str) -> Self {
        Self(format!("api-key:{id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of a request, as the identifying layer put it there (the peer's, before it ran).
    pub fn of_request(request: &Request) -> Self {
        Self::of_extensions(request.extensions())
    }

    /// The key of a request whose body was taken apart from its head.
    pub fn of_parts(parts: &axum::http::request::Parts) -> Self {
        Self::of_extensions(&parts.extensions)
    }

    fn of_extensions(extensions: &axum::http::Extensions) -> Self {
        extensions
            .get::<ClientKey>()
            .cloned()
            .unwrap_or_else(|| Self::of_ip(peer_ip(extensions)))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::of_extensions(&parts.extensions))
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn peer_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// The layer that works out each request's client key once, for every limit after it.
pub async fn identify(
    State(proxies): State<std::sync::Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let ip = proxies.client_ip(peer_ip(request.extensions()), request.headers());
    request.extensions_mut().insert(ClientKey::of_ip(ip));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_or_say_why_not() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.0.2.7 ,fd00::/8".parse().unwrap();
        assert!(proxies.trusts(ip("10.1.2.3")));
        assert!(proxies.trusts(ip("192.0.2.7")));
        assert!(!proxies.trusts(ip("192.0.2.8")));
        assert!(proxies.trusts(ip("fd12::1")));
        assert!(proxies.trusts(ip("::ffff:10.9.9.9")), "IPv4-mapped");
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        assert!(matches!(
            "10.0.0.0/33".parse::<TrustedProxies>(),
            Err(CidrError::Prefix(_))
        ));
        assert!(matches!(
            "10.0.0.0/8,proxy.local".parse::<TrustedProxies>(),
            Err(CidrError::Address(_))
        ));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(
            proxies.client_ip(ip("198.51.100.1"), &headers),
            ip("198.51.100.1")
        );
        let none = TrustedProxies::default();
        assert_eq!(none.client_ip(ip("10.0.0.1"), &headers), ip("10.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let peer = ip("10.0.0.1");
        // The client forged the first entry; the proxy appended what it saw.
        let headers = forwarded(&["1.1.1.1, 203.0.113.9, 10.0.0.2"]);
        assert_eq!(proxies.client_ip(peer, &headers), ip("203.0.113.9"));
        let split = forwarded(&["1.1.1.1", "203.0.113.9:5555"]);
        assert_eq!(proxies.client_ip(peer, &split), ip("203.0.113.9"));
        let all_trusted = forwarded(&["10.0.0.5, 10.0.0.2"]);
        assert_eq!(proxies.client_ip(peer, &all_trusted), ip("10.0.0.5"));
        let garbage = forwarded(&["203.0.113.9, not-an-address"]);
        assert_eq!(proxies.client_ip(peer, &garbage), peer);
        assert_eq!(proxies.client_ip(peer, &HeaderMap::new()), peer);
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        assert_eq!(
            ClientKey::of_ip(ip("2001:db8:1:2:aaaa::1")),
            ClientKey::of_ip(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        );
        assert_ne!(
            ClientKey::of_ip(ip("2001:db8:1:2::1")),
            ClientKey::of_ip(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            ClientKey::of_ip(ip("2001:db8:1:2::1")).as_str(),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            ClientKey::of_ip(ip("::ffff:192.0.2.1")).as_str(),
            "192.0.2.1"
        );
    }
}
