//! [`CtTimeout`]: the requests of `nfnetlink_cttimeout` over one
//! [`Conn`].

use std::ops::ControlFlow;

use nix::errno::Errno;

use nfnl::{
    Conn, IpProto, KernelError, NfHeader, NfMsg, NlFlags, ParseError, ProtoFamily, Refusal,
};
use nfnl_sys as sys;

use crate::error::Error;
use crate::policy::{check_name, encode_timeouts, DefaultTimeouts, Policy};
use nfnl::timeout::Timeouts;

/// A connection to the kernel's timeout-policy subsystem
/// (`NFNL_SUBSYS_CTNETLINK_TIMEOUT`) in one network namespace.
///
/// Every request but the dump is acknowledged, so every refusal is an
/// error naming the operation and the policy. Policies and defaults are
/// per network namespace.
#[derive(Debug)]
pub struct CtTimeout {
    conn: Conn,
}

/// The header of a request of type `msg_type`: family `AF_UNSPEC` (the
/// families travel in `CTA_TIMEOUT_L3PROTO`).
fn header(msg_type: u8, flags: NlFlags) -> NfHeader {
    NfHeader::new(sys::NFNL_SUBSYS_CTNETLINK_TIMEOUT, msg_type).flags(flags)
}

/// `timeout policy "NAME"`, how errors name a policy.
fn policy_what(name: &str) -> String {
    format!("timeout policy \"{name}\"")
}

/// Checks that a reply is of this subsystem and type `msg_type`.
fn expect(msg: &NfMsg<'_>, msg_type: u8) -> Result<(), ParseError> {
    msg.expect_type(sys::NFNL_SUBSYS_CTNETLINK_TIMEOUT, msg_type)
}

impl CtTimeout {
    /// Opens a socket in the calling thread's network namespace.
    ///
    /// # Errors
    /// I/O errors opening the socket.
    pub fn open() -> Result<Self, Error> {
        Ok(Self::from_conn(Conn::open()?))
    }

    /// Opens a socket inside the network namespace named by the file at
    /// `netns` ([`Conn::open_in_netns`]), in one call. With an open
    /// namespace file instead of a path:
    /// `CtTimeout::from_conn(Conn::from_socket(Socket::open_in_netns(fd)?)?)`.
    ///
    /// # Errors
    /// As [`Conn::open_in_netns`].
    pub fn open_in_netns(netns: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        Ok(Self::from_conn(Conn::open_in_netns(netns)?))
    }

    /// Wraps a connection (see [`CtTimeout::open_in_netns`] for one in another namespace).
    pub fn from_conn(conn: Conn) -> Self {
        CtTimeout { conn }
    }

    /// The underlying connection (reply timeout, receive buffer).
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Creates a policy (`IPCTNL_MSG_TIMEOUT_NEW` with `NLM_F_CREATE |
    /// NLM_F_EXCL`). States left `None` get the namespace's defaults of
    /// this moment.
    ///
    /// # Errors
    /// Before sending: [`Error::InvalidName`], [`Error::Timeout`].
    /// From the kernel: [`Error::Exists`] if the name is taken,
    /// [`Error::Unsupported`] for a protocol without a tracker,
    /// [`Error::PermissionDenied`], [`Error::Refused`].
    pub fn create(&mut self, policy: &Policy) -> Result<(), Error> {
        self.new_policy("create", policy, NlFlags::CREATE | NlFlags::EXCL)
    }

    /// Creates a policy, or changes the timeouts of the existing one of
    /// that name (`IPCTNL_MSG_TIMEOUT_NEW` with `NLM_F_CREATE |
    /// NLM_F_REPLACE`). The kernel changes the policy in place: rules that
    /// refer to it give their next new flows the new values.
    ///
    /// NOTE(kernel): a replaced policy gets the namespace's defaults for
    /// every state left `None`, not its previous values: the kernel
    /// rebuilds it from the defaults and the states given
    /// (`ctnl_timeout_parse_policy`).
    ///
    /// # Errors
    /// As [`CtTimeout::create`], and [`Error::KindMismatch`] if the
    /// existing policy is for another family or protocol.
    pub fn replace(&mut self, policy: &Policy) -> Result<(), Error> {
        match self.new_policy("replace", policy, NlFlags::CREATE | NlFlags::REPLACE) {
            Err(Error::Refused(Refusal { source, .. })) if source.errno() == Errno::EINVAL => {
                match self.get(&policy.name) {
                    Ok(old) if (old.family, old.proto()) != (policy.family, policy.proto()) => {
                        Err(Error::KindMismatch {
                            name: policy.name.clone(),
                            family: policy.family,
                            proto: policy.proto(),
                            existing_family: old.family,
                            existing_proto: old.proto(),
                            source,
                        })
                    }
                    _ => Err(Error::Refused(Refusal {
                        op: "replace",
                        object: policy_what(&policy.name),
                        source,
                    })),
                }
            }
            r => r,
        }
    }

    fn new_policy(&mut self, op: &'static str, p: &Policy, flags: NlFlags) -> Result<(), Error> {
        p.validate()?;
        self.conn
            .request(header(sys::IPCTNL_MSG_TIMEOUT_NEW, flags), |b| p.encode(b))
            .map_err(|e| classify(op, Target::Policy(&p.name, p.proto()), e))
    }

    /// The policy named `name` (`IPCTNL_MSG_TIMEOUT_GET`).
    ///
    /// # Errors
    /// [`Error::InvalidName`] before sending; [`Error::NotFound`];
    /// [`Error::Netlink`] with a [`ParseError`] for a malformed reply.
    pub fn get(&mut self, name: &str) -> Result<Policy, Error> {
        check_name(name)?;
        self.conn
            .query(
                header(sys::IPCTNL_MSG_TIMEOUT_GET, NlFlags::empty()),
                |b| b.put_cstr(sys::CTA_TIMEOUT_NAME, name).map(|_| ()),
                |m| {
                    expect(m, sys::IPCTNL_MSG_TIMEOUT_NEW)?;
                    Ok::<_, nfnl::Error>(Policy::decode(m)?)
                },
            )
            .map_err(|e| classify("get", Target::Name(name), e))
    }

    /// Every policy of the namespace, in the kernel's order (creation
    /// order): a dump (`IPCTNL_MSG_TIMEOUT_GET` with `NLM_F_DUMP`).
    ///
    /// # Errors
    /// [`Error::PermissionDenied`], I/O and parse errors.
    pub fn dump(&mut self) -> Result<Vec<Policy>, Error> {
        let mut all = Vec::new();
        self.conn
            .dump(
                header(sys::IPCTNL_MSG_TIMEOUT_GET, NlFlags::empty()),
                |_| Ok(()),
                |m| {
                    expect(m, sys::IPCTNL_MSG_TIMEOUT_NEW)?;
                    all.push(Policy::decode(m)?);
                    Ok::<_, nfnl::Error>(ControlFlow::Continue(()))
                },
            )
            .map_err(|e| classify("dump", Target::All, e))?;
        Ok(all)
    }

    /// Deletes the policy named `name` (`IPCTNL_MSG_TIMEOUT_DELETE`).
    /// Flows that used it go back to the default timeouts.
    ///
    /// # Errors
    /// [`Error::InvalidName`] before sending; [`Error::NotFound`];
    /// [`Error::InUse`] while a rule refers to it.
    pub fn delete(&mut self, name: &str) -> Result<(), Error> {
        check_name(name)?;
        self.conn
            .request(
                header(sys::IPCTNL_MSG_TIMEOUT_DELETE, NlFlags::empty()),
                |b| b.put_cstr(sys::CTA_TIMEOUT_NAME, name).map(|_| ()),
            )
            .map_err(|e| classify("delete", Target::Name(name), e))
    }

    /// Deletes every policy that no rule refers to
    /// (`IPCTNL_MSG_TIMEOUT_DELETE` without a name, what `nfct flush
    /// timeout` sends). Policies in use stay, without an error: call
    /// [`CtTimeout::dump`] to see them.
    ///
    /// # Errors
    /// [`Error::PermissionDenied`], I/O errors.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.conn
            .request(
                header(sys::IPCTNL_MSG_TIMEOUT_DELETE, NlFlags::empty()),
                |_| Ok(()),
            )
            .map_err(|e| classify("flush", Target::All, e))
    }

    /// The namespace's default timeouts of layer-4 protocol `proto`
    /// (`IPCTNL_MSG_TIMEOUT_DEFAULT_GET`; [`crate::GENERIC`] for the generic
    /// tracker), every state set. `family` is echoed: the defaults are
    /// shared by IPv4 and IPv6.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for a protocol without a tracker (such as
    /// DCCP since Linux 6.16).
    pub fn default_get(
        &mut self,
        family: ProtoFamily,
        proto: IpProto,
    ) -> Result<DefaultTimeouts, Error> {
        self.conn
            .query(
                header(sys::IPCTNL_MSG_TIMEOUT_DEFAULT_GET, NlFlags::empty()),
                |b| {
                    b.put_be16(sys::CTA_TIMEOUT_L3PROTO, u16::from(u8::from(family)));
                    b.put_u8(sys::CTA_TIMEOUT_L4PROTO, proto.0);
                    Ok(())
                },
                |m| {
                    expect(m, sys::IPCTNL_MSG_TIMEOUT_DEFAULT_SET)?;
                    Ok::<_, nfnl::Error>(DefaultTimeouts::decode(m)?)
                },
            )
            .map_err(|e| classify("default-get", Target::Defaults(proto), e))
    }

    /// Sets the namespace's default timeouts of `timeouts`' protocol
    /// (`IPCTNL_MSG_TIMEOUT_DEFAULT_SET`): the states given change, the
    /// others keep their value. New flows of both families without a
    /// policy use them (they are the `nf_conntrack_*_timeout*` sysctls of
    /// the namespace). `family` is sent as `CTA_TIMEOUT_L3PROTO`, which
    /// older kernels require (newer ones ignore it).
    ///
    /// # Errors
    /// [`Error::Timeout`] before sending; [`Error::Unsupported`].
    pub fn default_set(&mut self, family: ProtoFamily, timeouts: &Timeouts) -> Result<(), Error> {
        timeouts.validate()?;
        self.conn
            .request(
                header(sys::IPCTNL_MSG_TIMEOUT_DEFAULT_SET, NlFlags::empty()),
                |b| {
                    b.put_be16(sys::CTA_TIMEOUT_L3PROTO, u16::from(u8::from(family)));
                    encode_timeouts(timeouts, b)
                },
            )
            .map_err(|e| classify("default-set", Target::Defaults(timeouts.proto()), e))
    }
}

/// What a request was about, for its error.
enum Target<'a> {
    /// A policy to create or replace, with its protocol.
    Policy(&'a str, IpProto),
    /// A policy by name.
    Name(&'a str),
    /// The defaults of a protocol.
    Defaults(IpProto),
    /// Every policy.
    All,
}

/// Names a kernel refusal of `op` on `target`.
fn classify(op: &'static str, target: Target<'_>, e: nfnl::Error) -> Error {
    let source: KernelError = match e {
        nfnl::Error::Kernel(k) => k,
        e => return Error::Netlink(e),
    };
    let (name, proto) = match target {
        Target::Policy(n, p) => (Some(n), Some(p)),
        Target::Name(n) => (Some(n), None),
        Target::Defaults(p) => (None, Some(p)),
        Target::All => (None, None),
    };
    let what = match (name, proto) {
        (Some(n), _) => policy_what(n),
        (None, Some(p)) => format!("timeouts of {}", proto_name(p)),
        (None, None) => "timeout policies".to_owned(),
    };
    match (source.errno(), name, proto) {
        (Errno::EPERM, ..) => Error::PermissionDenied { op, what, source },
        (Errno::ENOENT, Some(n), _) if matches!(op, "get" | "delete") => Error::NotFound {
            op,
            name: n.to_owned(),
            source,
        },
        (Errno::EBUSY, Some(n), _) if op == "delete" => Error::InUse {
            name: n.to_owned(),
            source,
        },
        (Errno::EEXIST | Errno::EBUSY, Some(n), _) if op == "create" => Error::Exists {
            name: n.to_owned(),
            source,
        },
        (Errno::EOPNOTSUPP, _, Some(proto)) => Error::Unsupported {
            op,
            what,
            proto,
            source,
        },
        _ => Error::Refused(Refusal {
            op,
            object: what,
            source,
        }),
    }
}

/// The protocol's name, `generic` for 255.
fn proto_name(p: IpProto) -> String {
    match Timeouts::empty(p) {
        Ok(t) => t.proto_name(),
        Err(_) => p.to_string(),
    }
}
