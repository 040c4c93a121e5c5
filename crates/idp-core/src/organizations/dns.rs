//! TXT lookups for domain verification: an organization proves it holds a
//! domain by publishing a TXT record at `_idp-challenge.{domain}`.
//!
//! A stub resolver of one question: it asks one recursive nameserver (the
//! configured one, else the system's) over UDP, falls back to TCP when the
//! answer is truncated, and trusts only an answer that comes from that
//! nameserver's address with the query's random id and question. Blocking:
//! callers run it on a blocking thread. [`simple_dns`] encodes and decodes
//! the messages.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use simple_dns::rdata::{RData, OPT};
use simple_dns::{Name, Packet, PacketFlag, Question, CLASS, QCLASS, QTYPE, RCODE, TYPE};

use crate::config::DnsSettings;

/// All a lookup may take, retry and TCP fallback included.
const TIMEOUT: Duration = Duration::from_secs(3);
/// How long the first UDP query waits before it is sent again; the retry
/// waits out the rest of [`TIMEOUT`]. A lost datagram then costs 1.5 s, not
/// the whole lookup.
const FIRST_TRY: Duration = Duration::from_millis(1500);
const RESOLV_CONF: &str = "/etc/resolv.conf";
const DNS_PORT: u16 = 53;
const MAX_NAME_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;
/// EDNS(0) payload size offered (the 2020 DNS flag day's value, which
/// avoids IP fragmentation): domains with many TXT records then rarely need
/// the slower TCP fallback.
const UDP_PAYLOAD: u16 = 1232;

#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    /// Refused before anything was sent.
    #[error("{0:?} is not a domain name")]
    InvalidName(String),
    #[error("no nameserver to ask: set [dns] nameserver or list one in /etc/resolv.conf")]
    NoNameserver,
    #[error("the nameserver did not answer within 3 seconds")]
    Timeout,
    #[error("the nameserver cannot be reached: {0}")]
    Unreachable(String),
    #[error("the nameserver's answer cannot be used: {0}")]
    BadAnswer(String),
    /// The nameserver answered with an error code (`SERVFAIL`, `REFUSED`, …).
    #[error("the nameserver answered {0}")]
    ServerFailure(String),
}

/// TXT strings of `name` (each record's character-strings concatenated,
/// lossy UTF-8), in the order of the answer. NXDOMAIN / no data → `Ok(vec![])`.
///
/// CNAMEs are not looked up separately: the recursive nameserver already
/// follows them, and TXT records are taken whose owner is `name` or a name
/// that `name` leads to through the CNAME records of the same answer.
///
/// The nameserver is `settings.nameserver` when set, else the first
/// `nameserver` line of /etc/resolv.conf with a plain IP address (port 53).
pub fn txt_records(settings: &DnsSettings, name: &str) -> Result<Vec<String>, DnsError> {
    let qname = checked_name(name)?;
    let nameserver = match settings.nameserver {
        Some(address) => address,
        None => system_nameserver()?,
    };
    let id: u16 = rand::random();
    let query = query(id, &qname)?;
    let deadline = Instant::now() + TIMEOUT;
    match ask_udp(nameserver, &query, id, &qname, deadline)? {
        Reply::Truncated => match ask_tcp(nameserver, &query, id, &qname, deadline)? {
            Reply::Truncated => Err(DnsError::BadAnswer("truncated over TCP".into())),
            reply => reply.into_records(),
        },
        reply => reply.into_records(),
    }
}

/// `name` as a DNS name, if it is a plain one: ASCII letters, digits, `-`
/// and `_` (for labels such as `_idp-challenge`), no empty label, labels of
/// at most 63 bytes, at most 253 bytes in all. Internationalised names must
/// come in their `xn--` form. A trailing dot is allowed.
fn checked_name(name: &str) -> Result<Name<'_>, DnsError> {
    let invalid = || DnsError::InvalidName(name.to_owned());
    let bare = name.strip_suffix('.').unwrap_or(name);
    if bare.is_empty() || bare.len() > MAX_NAME_LEN {
        return Err(invalid());
    }
    let plain = |label: &str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !bare.split('.').all(plain) {
        return Err(invalid());
    }
    // No escapes are left for `Name::new` to interpret.
    Name::new(bare).map_err(|_| invalid())
}

fn system_nameserver() -> Result<SocketAddr, DnsError> {
    let text = std::fs::read_to_string(RESOLV_CONF).map_err(|_| DnsError::NoNameserver)?;
    nameserver_in(&text).ok_or(DnsError::NoNameserver)
}

/// The first `nameserver` of a resolv.conf whose address std can parse;
/// scoped IPv6 addresses (`fe80::1%eth0`) are skipped.
fn nameserver_in(resolv_conf: &str) -> Option<SocketAddr> {
    resolv_conf.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next()? == "nameserver").then_some(())?;
        let address: IpAddr = words.next()?.parse().ok()?;
        Some(SocketAddr::new(address, DNS_PORT))
    })
}

fn query(id: u16, qname: &Name<'_>) -> Result<Vec<u8>, DnsError> {
    let mut packet = Packet::new_query(id);
    packet.set_flags(PacketFlag::RECURSION_DESIRED);
    packet.questions.push(Question::new(
        qname.clone(),
        TYPE::TXT.into(),
        CLASS::IN.into(),
        false,
    ));
    *packet.opt_mut() = Some(OPT {
        opt_codes: Vec::new(),
        udp_packet_size: UDP_PAYLOAD,
        version: 0,
    });
    packet
        .build_bytes_vec()
        .map_err(|error| DnsError::InvalidName(format!("{qname}: {error}")))
}

/// What a nameserver said about our question.
#[derive(Debug)]
enum Reply {
    /// Too long for UDP: ask again over TCP.
    Truncated,
    Records(Vec<String>),
    Failed(String),
}

impl Reply {
    fn into_records(self) -> Result<Vec<String>, DnsError> {
        match self {
            Reply::Records(records) => Ok(records),
            Reply::Failed(code) => Err(DnsError::ServerFailure(code)),
            Reply::Truncated => Err(DnsError::BadAnswer("truncated".into())),
        }
    }
}

/// Why a message is not a usable reply.
#[derive(Debug)]
enum Rejected {
    /// Not an answer to this query (another id, not a response, another
    /// question): over UDP most likely stale or spoofed, so ignored.
    NotOurs,
    /// Our id, but not a DNS message we can read.
    Malformed(String),
}

fn ask_udp(
    nameserver: SocketAddr,
    query: &[u8],
    id: u16,
    qname: &Name<'_>,
    deadline: Instant,
) -> Result<Reply, DnsError> {
    let local: SocketAddr = match nameserver {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).map_err(unreachable)?;
    // Connected, the kernel drops datagrams from any other address and
    // reports an ICMP "port unreachable" as an error instead of silence.
    socket.connect(nameserver).map_err(unreachable)?;
    let first_try_ends = (Instant::now() + FIRST_TRY).min(deadline);
    let mut buffer = vec![0; usize::from(u16::MAX)];
    for try_ends in [first_try_ends, deadline] {
        // The same id both times: a late answer to the first is as good.
        socket.send(query).map_err(unreachable)?;
        while let Some(wait) = try_ends
            .checked_duration_since(Instant::now())
            .filter(|wait| !wait.is_zero())
        {
            socket.set_read_timeout(Some(wait)).map_err(unreachable)?;
            match socket.recv_from(&mut buffer) {
                Ok((_, from)) if from != nameserver => continue,
                Ok((len, _)) => match read_reply(&buffer[..len], id, qname) {
                    Ok(reply) => return Ok(reply),
                    Err(Rejected::NotOurs) => continue,
                    Err(Rejected::Malformed(why)) => return Err(DnsError::BadAnswer(why)),
                },
                Err(error) if timed_out(&error) => break,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(unreachable(error)),
            }
        }
    }
    Err(DnsError::Timeout)
}

/// The query again over TCP (RFC 7766), each message behind its 2-byte
/// length. Over TCP nobody can inject datagrams, so anything but our answer
/// is an error.
fn ask_tcp(
    nameserver: SocketAddr,
    query: &[u8],
    id: u16,
    qname: &Name<'_>,
    deadline: Instant,
) -> Result<Reply, DnsError> {
    let remaining = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .ok_or(DnsError::Timeout)
    };
    let mut stream = TcpStream::connect_timeout(&nameserver, remaining()?).map_err(tcp_error)?;
    stream
        .set_write_timeout(Some(remaining()?))
        .map_err(tcp_error)?;
    let length =
        u16::try_from(query.len()).map_err(|_| DnsError::BadAnswer("query too long".into()))?;
    let mut message = length.to_be_bytes().to_vec();
    message.extend_from_slice(query);
    stream.write_all(&message).map_err(tcp_error)?;

    let mut length = [0; 2];
    stream
        .set_read_timeout(Some(remaining()?))
        .map_err(tcp_error)?;
    stream.read_exact(&mut length).map_err(tcp_error)?;
    let mut answer = vec![0; usize::from(u16::from_be_bytes(length))];
    stream
        .set_read_timeout(Some(remaining()?))
        .map_err(tcp_error)?;
    stream.read_exact(&mut answer).map_err(tcp_error)?;
    read_reply(&answer, id, qname).map_err(|rejected| match rejected {
        Rejected::NotOurs => DnsError::BadAnswer("the answer is not to the question asked".into()),
        Rejected::Malformed(why) => DnsError::BadAnswer(why),
    })
}

fn read_reply(message: &[u8], id: u16, qname: &Name<'_>) -> Result<Reply, Rejected> {
    // The id first, unparsed: a message for another query need not parse.
    if message.get(..2) != Some(&id.to_be_bytes()[..]) {
        return Err(Rejected::NotOurs);
    }
    let packet = Packet::parse(message).map_err(|error| Rejected::Malformed(error.to_string()))?;
    if !packet.has_flags(PacketFlag::RESPONSE) {
        return Err(Rejected::NotOurs);
    }
    let [question] = packet.questions.as_slice() else {
        return Err(Rejected::NotOurs);
    };
    if question.qname != *qname
        || question.qtype != QTYPE::TYPE(TYPE::TXT)
        || question.qclass != QCLASS::CLASS(CLASS::IN)
    {
        return Err(Rejected::NotOurs);
    }
    if packet.has_flags(PacketFlag::TRUNCATION) {
        return Ok(Reply::Truncated);
    }
    match packet.rcode() {
        RCODE::NoError => {}
        RCODE::NameError => return Ok(Reply::Records(Vec::new())),
        other => return Ok(Reply::Failed(rcode_name(other))),
    }

    // The names whose TXT records answer the question: `qname` and the
    // targets of CNAMEs in this answer reachable from it, in any order.
    let mut owners = vec![qname.clone()];
    let mut grew = true;
    while grew {
        grew = false;
        for record in &packet.answers {
            if let RData::CNAME(target) = &record.rdata {
                if owners.contains(&record.name) && !owners.contains(&target.0) {
                    owners.push(target.0.clone());
                    grew = true;
                }
            }
        }
    }
    let records = packet
        .answers
        .iter()
        .filter(|record| record.class == CLASS::IN && owners.contains(&record.name))
        .filter_map(|record| match &record.rdata {
            RData::TXT(txt) => Some(txt_text(txt.clone())),
            _ => None,
        })
        .collect();
    Ok(Reply::Records(records))
}

/// A TXT record's character-strings as one string, as every DNS provider's
/// interface splits long values into 255-byte pieces.
fn txt_text(txt: simple_dns::rdata::TXT<'_>) -> String {
    String::try_from(txt)
        .unwrap_or_else(|error| String::from_utf8_lossy(&error.into_bytes()).into_owned())
}

fn rcode_name(code: RCODE) -> String {
    match code {
        RCODE::FormatError => "FORMERR".into(),
        RCODE::ServerFailure => "SERVFAIL".into(),
        RCODE::NotImplemented => "NOTIMP".into(),
        RCODE::Refused => "REFUSED".into(),
        other => format!("{other:?}"),
    }
}

fn timed_out(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn unreachable(error: io::Error) -> DnsError {
    DnsError::Unreachable(error.to_string())
}

fn tcp_error(error: io::Error) -> DnsError {
    if timed_out(&error) {
        DnsError::Timeout
    } else if error.kind() == io::ErrorKind::UnexpectedEof {
        DnsError::BadAnswer("the connection closed mid-answer".into())
    } else {
        unreachable(error)
    }
}

/// A nameserver on loopback for tests, here and in idp-http's (cargo
/// feature `dns-standin`): it answers TXT queries for the names it was
/// given, NXDOMAIN for others, over UDP and TCP on the same port, and can
/// misbehave on request ([`Trick`]). It stops when dropped.
#[cfg(any(test, feature = "dns-standin"))]
pub mod standin {
    use std::collections::HashMap;
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;
    use std::time::Duration;

    use simple_dns::rdata::{RData, TXT};
    use simple_dns::{
        CharacterString, Packet, PacketFlag, ResourceRecord, CLASS, QTYPE, RCODE, TYPE,
    };

    use crate::config::DnsSettings;

    /// How often the serving thread looks at the stop flag and the TCP port.
    const POLL: Duration = Duration::from_millis(20);

    /// How the stand-in misbehaves.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum Trick {
        #[default]
        None,
        /// Receives queries, never answers.
        Silent,
        /// Answers `SERVFAIL`.
        Fail,
        /// First a forged answer (TXT `forged`) with another id, then the
        /// real one.
        WrongIdFirst,
        /// First a forged answer with the right id from another port, then
        /// the real one.
        OtherSourceFirst,
        /// Over UDP only an empty answer with the TC bit; the records come
        /// over TCP.
        Truncate,
    }

    #[derive(Default)]
    struct Zone {
        /// Lower-case name without trailing dot → records → strings.
        records: HashMap<String, Vec<Vec<String>>>,
        trick: Trick,
        queries: usize,
    }

    struct Shared {
        stop: AtomicBool,
        zone: Mutex<Zone>,
    }

    pub struct DnsStandIn {
        addr: SocketAddr,
        shared: Arc<Shared>,
        thread: Option<JoinHandle<()>>,
    }

    impl DnsStandIn {
        /// Binds UDP and TCP on one free port of 127.0.0.1 and serves from
        /// a thread of its own.
        pub fn start() -> Self {
            let (udp, tcp) = bind_pair();
            let addr = udp.local_addr().expect("bound socket has an address");
            let shared = Arc::new(Shared {
                stop: AtomicBool::new(false),
                zone: Mutex::new(Zone::default()),
            });
            let serving = Arc::clone(&shared);
            let thread = std::thread::Builder::new()
                .name("dns-standin".into())
                .spawn(move || serve(&udp, &tcp, &serving))
                .expect("spawn the DNS stand-in");
            Self {
                addr,
                shared,
                thread: Some(thread),
            }
        }

        pub fn addr(&self) -> SocketAddr {
            self.addr
        }

        /// Settings that send lookups here.
        pub fn settings(&self) -> DnsSettings {
            DnsSettings {
                nameserver: Some(self.addr),
            }
        }

        /// One TXT record per value; a value longer than 255 bytes is split
        /// into 255-byte character-strings, as DNS providers do.
        pub fn set_txt(&self, name: &str, values: Vec<String>) {
            let records = values
                .into_iter()
                .map(|value| {
                    value
                        .as_bytes()
                        .chunks(255)
                        .map(|piece| String::from_utf8_lossy(piece).into_owned())
                        .collect()
                })
                .collect();
            self.set_txt_strings(name, records);
        }

        /// Records given as their character-strings (each at most 255 bytes).
        pub fn set_txt_strings(&self, name: &str, records: Vec<Vec<String>>) {
            self.zone().records.insert(key(name), records);
        }

        /// Forgets `name`: it is NXDOMAIN again.
        pub fn clear(&self, name: &str) {
            self.zone().records.remove(&key(name));
        }

        pub fn set_trick(&self, trick: Trick) {
            self.zone().trick = trick;
        }

        /// Queries received so far, over UDP and TCP.
        pub fn queries(&self) -> usize {
            self.zone().queries
        }

        fn zone(&self) -> std::sync::MutexGuard<'_, Zone> {
            lock(&self.shared)
        }
    }

    impl Drop for DnsStandIn {
        fn drop(&mut self) {
            self.shared.stop.store(true, Ordering::Relaxed);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Zone> {
        // A test that panicked while holding it must not hide its own
        // failure behind a poisoned lock in every later call.
        shared
            .zone
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn key(name: &str) -> String {
        name.trim_end_matches('.').to_ascii_lowercase()
    }

    /// A UDP socket and a TCP listener on the same free port; the port UDP
    /// got may be taken for TCP, so a few tries.
    fn bind_pair() -> (UdpSocket, TcpListener) {
        for _ in 0..50 {
            let udp = UdpSocket::bind("127.0.0.1:0").expect("bind UDP on loopback");
            let addr = udp.local_addr().expect("bound socket has an address");
            if let Ok(tcp) = TcpListener::bind(addr) {
                return (udp, tcp);
            }
        }
        panic!("no port free for both UDP and TCP on 127.0.0.1");
    }

    fn serve(udp: &UdpSocket, tcp: &TcpListener, shared: &Shared) {
        udp.set_read_timeout(Some(POLL))
            .expect("set a read timeout");
        tcp.set_nonblocking(true)
            .expect("make the listener non-blocking");
        let mut buffer = vec![0; usize::from(u16::MAX)];
        while !shared.stop.load(Ordering::Relaxed) {
            if let Ok((len, from)) = udp.recv_from(&mut buffer) {
                answer_udp(udp, &buffer[..len], from, shared);
            }
            if let Ok((stream, _)) = tcp.accept() {
                let _ = answer_tcp(stream, shared);
            }
        }
    }

    fn answer_udp(udp: &UdpSocket, query: &[u8], from: SocketAddr, shared: &Shared) {
        let Ok(query) = Packet::parse(query) else {
            return;
        };
        let (trick, records) = {
            let mut zone = lock(shared);
            zone.queries += 1;
            (zone.trick, records_for(&zone, &query))
        };
        let forged = vec![vec!["forged".to_owned()]];
        match trick {
            Trick::Silent => return,
            Trick::WrongIdFirst => {
                if let Some(reply) = reply(&query, Some(&forged), false, query.id().wrapping_add(1))
                {
                    let _ = udp.send_to(&reply, from);
                }
            }
            Trick::OtherSourceFirst => {
                if let (Some(reply), Ok(other)) = (
                    reply(&query, Some(&forged), false, query.id()),
                    UdpSocket::bind("127.0.0.1:0"),
                ) {
                    let _ = other.send_to(&reply, from);
                }
            }
            Trick::None | Trick::Fail | Trick::Truncate => {}
        }
        let reply = if trick == Trick::Fail {
            failure(&query)
        } else {
            reply(
                &query,
                records.as_ref(),
                trick == Trick::Truncate,
                query.id(),
            )
        };
        if let Some(reply) = reply {
            let _ = udp.send_to(&reply, from);
        }
    }

    fn answer_tcp(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        let mut length = [0; 2];
        stream.read_exact(&mut length)?;
        let mut query = vec![0; usize::from(u16::from_be_bytes(length))];
        stream.read_exact(&mut query)?;
        let Ok(query) = Packet::parse(&query) else {
            return Ok(());
        };
        let (trick, records) = {
            let mut zone = lock(shared);
            zone.queries += 1;
            (zone.trick, records_for(&zone, &query))
        };
        let reply = match trick {
            Trick::Silent => return Ok(()),
            Trick::Fail => failure(&query),
            _ => reply(&query, records.as_ref(), false, query.id()),
        };
        if let Some(reply) = reply {
            let mut message = (reply.len() as u16).to_be_bytes().to_vec();
            message.extend_from_slice(&reply);
            stream.write_all(&message)?;
        }
        Ok(())
    }

    fn records_for(zone: &Zone, query: &Packet<'_>) -> Option<Vec<Vec<String>>> {
        let question = query.questions.first()?;
        zone.records.get(&key(&question.qname.to_string())).cloned()
    }

    /// The answer to `query`: `records` (NXDOMAIN when `None`), or only the
    /// TC bit when `truncate`.
    fn reply(
        query: &Packet<'_>,
        records: Option<&Vec<Vec<String>>>,
        truncate: bool,
        id: u16,
    ) -> Option<Vec<u8>> {
        let question = query.questions.first()?;
        let mut reply = Packet::new_reply(id);
        reply.set_flags(PacketFlag::AUTHORITATIVE_ANSWER | PacketFlag::RECURSION_AVAILABLE);
        reply.questions.push(question.clone());
        match records {
            None => *reply.rcode_mut() = RCODE::NameError,
            Some(_) if truncate => reply.set_flags(PacketFlag::TRUNCATION),
            Some(_) if question.qtype != QTYPE::TYPE(TYPE::TXT) => {}
            Some(records) => {
                for strings in records {
                    let mut txt = TXT::new();
                    for string in strings {
                        txt.add_char_string(CharacterString::new(string.as_bytes()).ok()?);
                    }
                    reply.answers.push(ResourceRecord::new(
                        question.qname.clone(),
                        CLASS::IN,
                        60,
                        RData::TXT(txt),
                    ));
                }
            }
        }
        reply.build_bytes_vec().ok()
    }

    fn failure(query: &Packet<'_>) -> Option<Vec<u8>> {
        let mut reply = Packet::new_reply(query.id());
        reply.questions.push(query.questions.first()?.clone());
        *reply.rcode_mut() = RCODE::ServerFailure;
        reply.build_bytes_vec().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::standin::{DnsStandIn, Trick};
    use super::*;

    const NAME: &str = "_idp-challenge.example.com";

    #[test]
    fn a_record_of_two_character_strings_is_one_string() {
        let dns = DnsStandIn::start();
        dns.set_txt_strings(NAME, vec![vec!["idp-verify=".into(), "abc123".into()]]);
        assert_eq!(
            txt_records(&dns.settings(), NAME).unwrap(),
            ["idp-verify=abc123"]
        );

        let long = "x".repeat(300);
        dns.set_txt(NAME, vec![long.clone()]);
        assert_eq!(txt_records(&dns.settings(), NAME).unwrap(), [long]);
    }

    #[test]
    fn every_record_is_returned() {
        let dns = DnsStandIn::start();
        dns.set_txt(NAME, vec!["one".into(), "two".into(), "".into()]);
        assert_eq!(
            txt_records(&dns.settings(), NAME).unwrap(),
            ["one", "two", ""]
        );
        // Names are case-insensitive; a trailing dot is the same name.
        assert_eq!(
            txt_records(&dns.settings(), "_IDP-Challenge.Example.COM.").unwrap(),
            ["one", "two", ""]
        );
    }

    #[test]
    fn an_unknown_name_has_no_records() {
        let dns = DnsStandIn::start();
        assert_eq!(
            txt_records(&dns.settings(), NAME).unwrap(),
            Vec::<String>::new()
        );
        dns.set_txt(NAME, vec!["one".into()]);
        dns.clear(NAME);
        assert!(txt_records(&dns.settings(), NAME).unwrap().is_empty());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced() {
        let mut packet = Packet::new_reply(7);
        let qname = Name::new(NAME).unwrap();
        packet.questions.push(Question::new(
            qname.clone(),
            TYPE::TXT.into(),
            CLASS::IN.into(),
            false,
        ));
        let txt = simple_dns::rdata::TXT::new()
            .with_char_string(simple_dns::CharacterString::new(b"ok\xff").unwrap());
        packet.answers.push(simple_dns::ResourceRecord::new(
            qname.clone(),
            CLASS::IN,
            60,
            RData::TXT(txt),
        ));
        let message = packet.build_bytes_vec().unwrap();
        match read_reply(&message, 7, &qname) {
            Ok(Reply::Records(records)) => assert_eq!(records, ["ok\u{FFFD}"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_silent_nameserver_times_out_after_one_retry() {
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
        let settings = DnsSettings {
            nameserver: Some(silent.local_addr().unwrap()),
        };
        let started = Instant::now();
        let result = txt_records(&settings, NAME);
        let took = started.elapsed();
        assert!(matches!(result, Err(DnsError::Timeout)), "{result:?}");
        assert!(
            took >= Duration::from_millis(2900) && took < Duration::from_secs(4),
            "{took:?}"
        );
        silent.set_nonblocking(true).unwrap();
        let mut buffer = [0; 512];
        let mut sent = 0;
        while silent.recv(&mut buffer).is_ok() {
            sent += 1;
        }
        assert_eq!(sent, 2, "a query and one retry");
    }

    #[test]
    fn a_closed_port_is_unreachable_at_once() {
        let closed = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let settings = DnsSettings {
            nameserver: Some(closed),
        };
        let started = Instant::now();
        let result = txt_records(&settings, NAME);
        assert!(
            matches!(result, Err(DnsError::Unreachable(_))),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn names_that_are_not_domain_names_are_refused_unsent() {
        let dns = DnsStandIn::start();
        let too_long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(too_long.len() > 253);
        let long_label = format!("{}.com", "a".repeat(64));
        let names: [&str; 10] = [
            "",
            ".",
            "example..com",
            ".example.com",
            &long_label,
            &too_long,
            "exa mple.com",
            r"exa\.mple.com",
            "bücher.de",
            "example.com/path",
        ];
        for name in names {
            let result = txt_records(&dns.settings(), name);
            assert!(
                matches!(result, Err(DnsError::InvalidName(_))),
                "{name:?}: {result:?}"
            );
        }
        assert_eq!(dns.queries(), 0);
        // The limits themselves are fine.
        let longest_label = format!("{}.com", "a".repeat(63));
        assert!(txt_records(&dns.settings(), &longest_label).is_ok());
        let longest = format!("{}.{}", vec!["a".repeat(63); 3].join("."), "a".repeat(61));
        assert_eq!(longest.len(), 253);
        assert!(txt_records(&dns.settings(), &longest).is_ok());
    }

    #[test]
    fn an_answer_with_another_id_is_ignored() {
        let dns = DnsStandIn::start();
        dns.set_txt(NAME, vec!["real".into()]);
        dns.set_trick(Trick::WrongIdFirst);
        assert_eq!(txt_records(&dns.settings(), NAME).unwrap(), ["real"]);
    }

    #[test]
    fn an_answer_from_another_address_is_ignored() {
        let dns = DnsStandIn::start();
        dns.set_txt(NAME, vec!["real".into()]);
        dns.set_trick(Trick::OtherSourceFirst);
        assert_eq!(txt_records(&dns.settings(), NAME).unwrap(), ["real"]);
    }

    #[test]
    fn a_truncated_answer_is_asked_again_over_tcp() {
        let dns = DnsStandIn::start();
        let many: Vec<String> = (0..40)
            .map(|n| format!("record {n:02} {}", "x".repeat(60)))
            .collect();
        dns.set_txt(NAME, many.clone());
        dns.set_trick(Trick::Truncate);
        assert_eq!(txt_records(&dns.settings(), NAME).unwrap(), many);
        assert_eq!(dns.queries(), 2, "once over UDP, once over TCP");
    }

    #[test]
    fn a_server_failure_is_an_error() {
        let dns = DnsStandIn::start();
        dns.set_trick(Trick::Fail);
        let result = txt_records(&dns.settings(), NAME);
        assert!(
            matches!(&result, Err(DnsError::ServerFailure(code)) if code == "SERVFAIL"),
            "{result:?}"
        );
    }

    #[test]
    fn txt_records_reached_through_a_cname_in_the_answer_count() {
        let qname = Name::new(NAME).unwrap();
        let alias = Name::new("verify.provider.example").unwrap();
        let elsewhere = Name::new("other.example").unwrap();
        let txt = |text: &'static str| {
            RData::TXT(simple_dns::rdata::TXT::new().with_string(text).unwrap())
        };
        let mut packet = Packet::new_reply(9);
        packet.questions.push(Question::new(
            qname.clone(),
            TYPE::TXT.into(),
            CLASS::IN.into(),
            false,
        ));
        // Out of order on purpose: the chain is followed whatever the order.
        packet.answers.push(simple_dns::ResourceRecord::new(
            alias.clone(),
            CLASS::IN,
            60,
            txt("via alias"),
        ));
        packet.answers.push(simple_dns::ResourceRecord::new(
            elsewhere,
            CLASS::IN,
            60,
            txt("unrelated"),
        ));
        packet.answers.push(simple_dns::ResourceRecord::new(
            qname.clone(),
            CLASS::IN,
            60,
            RData::CNAME(simple_dns::rdata::CNAME(alias)),
        ));
        let message = packet.build_bytes_vec().unwrap();
        match read_reply(&message, 9, &qname) {
            Ok(Reply::Records(records)) => assert_eq!(records, ["via alias"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_reply(&message, 10, &qname),
            Err(Rejected::NotOurs)
        ));
        let other_question = Name::new("_idp-challenge.example.org").unwrap();
        assert!(matches!(
            read_reply(&message, 9, &other_question),
            Err(Rejected::NotOurs)
        ));
    }

    #[test]
    fn a_garbled_answer_with_our_id_is_a_bad_answer() {
        let qname = Name::new(NAME).unwrap();
        assert!(matches!(
            read_reply(&[0, 9, 0x81, 0x80, 0, 1], 9, &qname),
            Err(Rejected::Malformed(_))
        ));
    }

    #[test]
    fn the_first_usable_nameserver_of_resolv_conf_is_asked() {
        let conf = "# generated\nsearch example.com\nnameserver fe80::1%eth0\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n";
        assert_eq!(nameserver_in(conf), Some("10.0.0.53:53".parse().unwrap()));
        assert_eq!(
            nameserver_in("nameserver ::1"),
            Some("[::1]:53".parse().unwrap())
        );
        assert_eq!(nameserver_in("options edns0\n"), None);
        assert_eq!(nameserver_in(""), None);
    }
}
