import Experiments
import Testing

@Suite("reports/training.md")
struct TrainingReportTests {
  @Test("the training experiment gives the same runs whatever the thread count")
  func experimentThreads() throws {
    let one = try TrainingExperiment.run(samples: 64, epochs: 2, reductionRows: 100, threads: 1)
    let two = try TrainingExperiment.run(samples: 64, epochs: 2, reductionRows: 100, threads: 2)
    // Compared as text: a broken run's NaN losses are never == themselves.
    #expect("\(one.entries.map(\.run))" == "\(two.entries.map(\.run))")
    #expect(one.files().map(\.content) == two.files().map(\.content))
    #expect(one.files().map(\.path).contains("training.md"))
  }
}
