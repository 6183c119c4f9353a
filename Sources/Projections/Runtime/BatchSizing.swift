/// How many events a projector's next batch may take.
///
/// A batch costs a fixed part (reading its range, one upsert per read-model
/// row it touches, the checkpoint, the commit) and a part per event. While
/// the projection keeps up, batches are small, so that an event waits for
/// little more than its own batch. A full batch says the projection is
/// behind (a backlog after an outage, a rebuild, a replay): the next one may
/// take up to the catch-up size, so the fixed part is paid once per up to a
/// million events instead of once per ten thousand. The limit is only a
/// ceiling: a projector a little behind folds what is there. The first batch
/// that is not full (caught up) or that failed brings it back to the live
/// size.
///
/// A projector starts at the catch-up size: it starts behind by however much
/// the log grew while no one folded it (a restart, a new or rebuilt read
/// model), and its first batch, if short, is short whatever its limit. A
/// live-sized first batch of a backlog touched nearly every workspace of
/// `bench project`'s for 10,000 events (0.23 s of a 3.4 s fold) and left the
/// rest a batch shorter than the limit, which `event_batch_end` counts in a
/// second pass over the index.
///
/// In `bench project`'s backlog, where a batch of ten thousand events
/// touches nearly every workspace, the votes fold of a million events took
/// 55 s of statements in batches of ten thousand, 14 s in one batch; growing
/// the limit by doubling (seven batches) took 7 s against 4 s for this
/// (docs/benchmarks.md, "project").
struct BatchSizing: Sendable {
    let live: Int
    let catchUp: Int
    private(set) var limit: Int

    init(_ configuration: ProjectorConfiguration) {
        live = configuration.batchSize
        catchUp = configuration.catchUpBatchSize
        limit = catchUp
    }

    mutating func observe(_ step: Projector.Step) {
        if case .applied(let events) = step, events >= limit {
            limit = catchUp
        } else if case .overtaken = step {
            return
        } else {
            limit = live
        }
    }
}
