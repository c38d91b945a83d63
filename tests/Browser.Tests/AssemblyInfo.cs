// One Chromium and one Controller at a time: on two cores, parallel browser classes would make each other's timings
// (a node turning red within seconds) flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
