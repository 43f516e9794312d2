//! Ruby's `xmlrpc` gem (Debian `ruby-xmlrpc`).
