/// How many events a projector's next batch may take.
///
/// A batch costs a fixed part (reading its range, one upsert per read-model
/// row it touches, the checkpoint, the commit) and a part per event. While
/// the projection keeps up, batches are small, so that an event waits for
/// little more than its own batch. Behind (a backlog after an outage, a
/// rebuild, a replay), every full batch doubles the next one's limit up to
/// the catch-up size: the fixed part is paid once per hundreds of thousands
/// of events instead of once per ten thousand. In `bench project`'s backlog,
/// where a batch of ten thousand events touches nearly every workspace,
/// the votes fold of a million events took 55 s of statements in batches of
/// ten thousand and 14 s in one batch (docs/benchmarks.md, "project").
/// The first batch that is not full (caught up) or that failed brings the
/// limit back to the live size.
struct BatchSizing: Sendable {
    let live: Int
    let catchUp: Int
    private(set) var limit: Int

    init(_ configuration: ProjectorConfiguration) {
        live = configuration.batchSize
        catchUp = configuration.catchUpBatchSize
        limit = live
    }

    mutating func observe(_ step: Projector.Step) {
        if case .applied(let events) = step, events >= limit {
            limit = min(catchUp, limit * 2)
        } else if case .overtaken = step {
            return
        } else {
            limit = live
        }
    }
}
