/// What a network's forward pass keeps of a window, chosen when the network is made.
public enum ForwardKeeps: Sendable {
    /// Every ponder step's row of the window, and buffers for its gradients: what backward needs (training).
    case wholeWindow
    /// Only the rows of the time step in hand, and no gradient buffers (scoring): long windows take
    /// little memory, and backward cannot run. Scoring also keeps each prediction's entropy.
    case currentTimeStep
}
