//! Transport adapter (see the transports issue).
