//! [`FlowIter`]: a dump as an iterator.

use super::*;

/// An iterator over a dump; see [`Conntrack::flows`].
#[derive(Debug)]
pub struct FlowIter<'a> {
    stream: DumpStream<'a>,
    filter: Filter,
    /// The decoded flows (and a final error) of the last batch received.
    queue: VecDeque<Result<Flow>>,
    finished: bool,
}

impl<'a> FlowIter<'a> {
    pub(super) fn start(ct: &'a mut Conntrack, filter: &Filter) -> Result<Self> {
        let h = ct_header(sys::IPCTNL_MSG_CT_GET, filter.check_families()?);
        let trust = ct.filter_trust(filter);
        let stream = ct.conn.dump_stream(h, |b| filter.encode(b, trust))?;
        Ok(FlowIter {
            stream,
            filter: *filter,
            queue: VecDeque::new(),
            finished: false,
        })
    }

    /// Receives the next datagram; an error ends the iteration after the
    /// flows that came before it.
    fn fill(&mut self) {
        let (filter, queue) = (&self.filter, &mut self.queue);
        let more = self.stream.next_batch(|m| match Flow::decode(m) {
            Ok(f) if filter.matches(&f) => queue.push_back(Ok(f)),
            Ok(_) => {}
            Err(e) => queue.push_back(Err(e.into())),
        });
        match more {
            Ok(more) => self.finished = !more,
            Err(e) => {
                self.finished = true;
                self.queue.push_back(Err(e.into()));
            }
        }
    }
}

impl Iterator for FlowIter<'_> {
    type Item = Result<Flow>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(x) = self.queue.pop_front() {
                return Some(x);
            }
            if self.finished {
                return None;
            }
            self.fill();
        }
    }
}
