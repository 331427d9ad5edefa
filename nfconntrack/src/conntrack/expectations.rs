//! The expectation table: dump, get, create, delete, flush.

use super::*;

impl Conntrack {
    /// Streams the expectation table to `f`.
    ///
    /// # Errors
    /// Kernel, I/O and parse errors.
    pub fn dump_expectations<F>(&mut self, family: Family, f: F) -> Result<()>
    where
        F: FnMut(Expect) -> ControlFlow<()>,
    {
        self.dump_decoded(
            exp_header(sys::IPCTNL_MSG_EXP_GET, family),
            |_| Ok(()),
            Expect::decode,
            f,
        )
    }

    /// Looks up the expectation with this expected tuple.
    ///
    /// # Errors
    /// `ENOENT` if there is none.
    pub fn get_expectation(&mut self, tuple: &Tuple, zone: Option<u16>) -> Result<Expect> {
        self.get_one(
            exp_header(sys::IPCTNL_MSG_EXP_GET, tuple.family()),
            |b| {
                tuple.encode(sys::CTA_EXPECT_TUPLE, b)?;
                if let Some(z) = zone {
                    b.put_be16(sys::CTA_EXPECT_ZONE, z);
                }
                Ok(())
            },
            Expect::decode,
        )
    }

    /// Creates an expectation (`ctnetlink_create_expect`): needs master,
    /// tuple, mask and timeout; the master must exist and have a helper
    /// (or `helper` names one).
    ///
    /// # Errors
    /// `ENOENT` (no master), `EOPNOTSUPP` (no helper), `EEXIST`, `EINVAL`.
    pub fn create_expectation(&mut self, e: &Expect) -> Result<()> {
        let fam = e
            .tuple
            .or(e.master)
            .map(|t| t.family())
            .ok_or(Error::NoTuple)?;
        self.conn.request(
            exp_header(sys::IPCTNL_MSG_EXP_NEW, fam).flags(NlFlags::CREATE | NlFlags::EXCL),
            |b| e.encode_attrs(b),
        )?;
        Ok(())
    }

    /// Deletes the expectation with this expected tuple (and id, if given).
    ///
    /// # Errors
    /// `ENOENT` if there is none.
    pub fn delete_expectation(&mut self, tuple: &Tuple, id: Option<u32>) -> Result<()> {
        self.conn.request(
            exp_header(sys::IPCTNL_MSG_EXP_DELETE, tuple.family()),
            |b| {
                tuple.encode(sys::CTA_EXPECT_TUPLE, b)?;
                if let Some(id) = id {
                    b.put_be32(sys::CTA_EXPECT_ID, id);
                }
                Ok(())
            },
        )?;
        Ok(())
    }

    /// Flushes the expectations of one family, or all with [`Family::Any`]
    /// (sent with version 1).
    ///
    /// # Errors
    /// Kernel and I/O errors.
    pub fn flush_expectations(&mut self, family: Family) -> Result<()> {
        self.conn.request(
            exp_header(sys::IPCTNL_MSG_EXP_DELETE, family).version(sys::NFNETLINK_V1),
            |_| Ok(()),
        )?;
        Ok(())
    }
}
