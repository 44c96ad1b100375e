/// Saving the run: latest.ckpt, best.ckpt and the run's report page.
extension Trainer {
    /// Everything needed to continue exactly from here. In a data-parallel run every rank must call it
    /// together: the root gathers every stream's position and state, as one process would hold them (the
    /// other ranks get only their own streams').
    public func checkpoint() -> TrainingCheckpoint {
        let share = training.share
        let positions = communicator.gather(training.positions)
        let state = share.assemble(parts: communicator.gather(training.networkState), hidden: options.model.hidden)
        return TrainingCheckpoint(options: options, corpus: TrainingCheckpoint.CorpusIdentity(corpus.info), step: step,
                                  chars: chars, elapsedSeconds: elapsedBefore + session.seconds,
                                  bestValidBPC: bestValidBPC, validation: validation, parameters: parameters,
                                  adam: adam, positions: positions, networkState: state, random: random,
                                  history: metrics?.records ?? [], ponderStats: ponderStats, ponderTrace: ponderTrace)
    }

    /// Rewrites report.html in the run folder; one that cannot be written is a warning, not an end.
    private func writeRunReport(_ checkpoint: TrainingCheckpoint, metrics: MetricsLog,
                                report: (TrainingEvent) -> Void) {
        do {
            try RunReportPage(runs: [ReportRun(training: folder, records: metrics.records, metricsPath: metrics.path,
                                               checkpoint: checkpoint, checkpointPath: folder.latest)])
                .write(toFile: folder.report)
        } catch {
            report(.warning("\(error)"))
        }
    }

    /// Writes latest.ckpt (and best.ckpt) atomically; weights that are not all finite are never written.
    func save(best: Bool, report: (TrainingEvent) -> Void) throws {
        if let bad = parameters.firstIndex(where: { !$0.isFinite }) {
            throw training.diverged("weight \(bad)", Double(parameters[bad]), options.schedule.rate(at: max(step - 1, 0)))
        }
        if communicator.size > 1, !communicator.allAgree(on: ParameterChecksum.of(parameters)) {
            throw DataParallelError.replicasDiffer(step: step, lastCheckpoint: lastCheckpoint)
        }
        let checkpoint = checkpoint()
        tally.saved = folder.latest
        tally.savedStep = step
        guard isRoot else {
            training.lastCheckpoint = folder.latest
            return
        }
        let file = try checkpoint.file()
        try file.write(to: folder.latest)
        training.lastCheckpoint = folder.latest
        report(.saved(path: folder.latest, step: step))
        if best {
            try file.write(to: folder.best)
            report(.saved(path: folder.best, step: step))
        }
        // After a validation, the run's page shows it.
        if validation?.step == step, let metrics { writeRunReport(checkpoint, metrics: metrics, report: report) }
    }
}
