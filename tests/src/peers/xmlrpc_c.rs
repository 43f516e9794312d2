//! xmlrpc-c (Debian `libxmlrpc-core-c3-dev`).
