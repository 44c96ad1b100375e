import Foundation

/// Threads that wait for work and live as long as their owner (the network's `Wavefront`): each `run`
/// hands every thread its share of one job and does share 0 on the caller's thread, without starting a
/// thread or allocating. `stop` ends them; the owner calls it when it goes.
final class WorkerThreads: @unchecked Sendable {
    /// Threads beside the caller's.
    let count: Int
    private let condition = NSCondition()
    private var job: ((Int) -> Void)?
    private var generation = 0
    private var pending = 0
    private var stopping = false

    init(count: Int) {
        self.count = count
        for worker in 1..<(count + 1) {
            let thread = Thread { [self] in work(worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Calls `body(share)` for shares 0 through `count`, share 0 on the caller's thread, and returns when
    /// all are done.
    func run(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            condition.lock()
            job = body
            pending = count
            generation += 1
            condition.broadcast()
            condition.unlock()
            body(0)
            condition.lock()
            while pending > 0 { condition.wait() }
            job = nil
            condition.unlock()
        }
    }

    /// Ends the threads once they finish what they are doing.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work(_ share: Int) {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            seen = generation
            condition.unlock()
            doShare(share)
            condition.lock()
            pending -= 1
            if pending == 0 { condition.broadcast() }
            condition.unlock()
        }
    }

    /// Runs this thread's share of the job, and lets go of the job before `run` may return.
    @inline(never)
    private func doShare(_ share: Int) {
        let body = job!
        body(share)
    }
}
