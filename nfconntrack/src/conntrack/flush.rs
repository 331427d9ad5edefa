//! Flushing: [`Flush`], [`FlushReport`] and [`Conntrack::flush`].

use super::*;

/// What to flush. There is deliberately no "delete without a tuple": the
/// kernel treats that as a flush (`ctnetlink_del_conntrack`), so flushing
/// is only ever asked for by name.
// Made once per flush request and passed by reference: boxing the filter
// would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flush {
    /// Every entry of the namespace, both families.
    All,
    /// Every entry of one family. Sent with `nfgenmsg.version = 1`: with
    /// version 0 the kernel ignores the family and flushes both.
    Family(Family),
    /// The entries a filter selects: by the kernel when it supports
    /// `CTA_FILTER` on flush and evaluates the filter exactly, otherwise by
    /// a streaming dump plus batched deletes.
    Filter(Filter),
}

/// How a flush was carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlushReport {
    /// True if one kernel request did it; false for dump + batched deletes.
    pub by_kernel: bool,
    /// Entries deleted (known only for dump + delete).
    pub deleted: Option<u64>,
}

/// The header of a flush request for one family (or all).
///
/// NOTE(kernel): with `nfgenmsg.version` 0, `ctnetlink_del_conntrack`
/// ignores the family (`u3 = version ? family : AF_UNSPEC`) and flushes
/// both, so flushes always use version 1.
pub(crate) fn flush_header(f: Family) -> NfHeader {
    ct_header(sys::IPCTNL_MSG_CT_DELETE, f).version(sys::NFNETLINK_V1)
}

impl Conntrack {
    /// Flushes entries: all, one family, or those a filter selects.
    ///
    /// # Errors
    /// Kernel and I/O errors.
    pub fn flush(&mut self, what: &Flush) -> Result<FlushReport> {
        let family = match what {
            Flush::Filter(filter) if !filter.is_empty() => return self.flush_filtered(filter),
            Flush::All | Flush::Filter(_) => Family::Any,
            Flush::Family(f) => *f,
        };
        self.conn.request(flush_header(family), |_| Ok(()))?;
        Ok(FlushReport {
            by_kernel: true,
            deleted: None,
        })
    }

    fn flush_filtered(&mut self, filter: &Filter) -> Result<FlushReport> {
        filter.check_families()?;
        let trust = self.filter_trust(filter);
        if filter.kernel_exact(trust) && self.supports_filtered_flush()? {
            self.conn
                .request(flush_header(filter.effective_family()), |b| {
                    filter.encode(b, trust)
                })?;
            return Ok(FlushReport {
                by_kernel: true,
                deleted: None,
            });
        }
        Ok(FlushReport {
            by_kernel: false,
            deleted: Some(self.flush_by_dump(filter)?),
        })
    }

    /// The fallback of a filtered flush: a streaming dump that keeps only
    /// the matching entries' keys (tuple, zone, id), then batched deletes.
    /// Memory grows with the number of matches, not with the table.
    fn flush_by_dump(&mut self, filter: &Filter) -> Result<u64> {
        let mut keys = Vec::new();
        let mut no_tuple = false;
        self.dump(filter, |f| {
            // Decoded tuples always agree on the family: no family check needed.
            match Key::of(&f) {
                Ok(k) => keys.push(k),
                Err(_) => no_tuple = true,
            }
            ControlFlow::Continue(())
        })?;
        if no_tuple {
            return Err(Error::NoTuple);
        }
        self.delete_keys(&keys)
    }

    /// Whether the kernel filters flushes with `CTA_FILTER` ("netfilter:
    /// ctnetlink: support CTA_FILTER for flush", 2024). Probed once with a
    /// flush that cannot match anything (mark mask 0 with value 1): newer
    /// kernels accept it, older ones refuse it (`EOPNOTSUPP`, or `EINVAL`
    /// when they read the partial tuple as a delete), so nothing is ever
    /// deleted by the probe.
    ///
    /// # Errors
    /// Kernel errors other than the refusals above; I/O errors.
    pub fn supports_filtered_flush(&mut self) -> Result<bool> {
        if let Some(v) = self.filtered_flush {
            return Ok(v);
        }
        let r = self.conn.request(flush_header(Family::Ipv4), |b| {
            b.put_be32(sys::CTA_MARK, 1);
            b.put_be32(sys::CTA_MARK_MASK, 0);
            b.nest(sys::CTA_TUPLE_ORIG, |b| {
                b.nest(sys::CTA_TUPLE_PROTO, |b| {
                    b.put_u8(sys::CTA_PROTO_NUM, 255);
                    Ok(())
                })?;
                Ok(())
            })?;
            b.nest(sys::CTA_FILTER, |b| {
                b.put_ne32(sys::CTA_FILTER_ORIG_FLAGS, filter::F_PROTO_NUM);
                Ok(())
            })?;
            Ok(())
        });
        let v = match r {
            Ok(()) => true,
            Err(nfnl::Error::Kernel(k))
                if matches!(k.errno(), Errno::EOPNOTSUPP | Errno::EINVAL) =>
            {
                false
            }
            Err(e) => return Err(e.into()),
        };
        self.filtered_flush = Some(v);
        Ok(v)
    }
}
