//! The UI behaviour: state, messages, effects and the reducer (in progress).
