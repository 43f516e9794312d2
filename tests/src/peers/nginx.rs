//! nginx in front of an SCGI server (`scgi_pass`), as XML-RPC services are
//! deployed behind web servers: started from a generated config in a temp
//! dir, in the foreground, listening on 127.0.0.1.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::rtorrent::{free_port, temp_dir, wait_until_up};
use crate::peers::available;

/// A running nginx, stopped (and its directory removed) when dropped.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    /// Where it listens: `http://127.0.0.1:PORT`.
    pub port: u16,
}

/// True when nginx can run here (else a skip, or a failure under
/// `XMLRPC_REQUIRE_PEERS`).
pub fn installed() -> bool {
    available("nginx", &["-v"], "the nginx scgi_pass check")
}

impl Nginx {
    /// Starts nginx passing every request to the SCGI server at `upstream`
    /// (`127.0.0.1:PORT` or `unix:/path.sock`). nginx writes
    /// `CONTENT_LENGTH` first itself; `SCGI=1` is a parameter, as in
    /// Debian's `scgi_params`.
    pub fn start(upstream: &str) -> Nginx {
        let dir = temp_dir("nginx");
        let port = free_port();
        let d = dir.display();
        let config = format!(
            "master_process off;\n\
             worker_processes 1;\n\
             pid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n\
               access_log off;\n\
               client_body_temp_path {d}/body;\n\
               proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n\
               uwsgi_temp_path {d}/uwsgi;\n\
               scgi_temp_path {d}/scgi;\n\
               server {{\n\
                 listen 127.0.0.1:{port};\n\
                 location / {{\n\
                   scgi_param REQUEST_METHOD $request_method;\n\
                   scgi_param REQUEST_URI $request_uri;\n\
                   scgi_param CONTENT_TYPE $content_type;\n\
                   scgi_param SCGI 1;\n\
                   scgi_param SERVER_PROTOCOL $server_protocol;\n\
                   scgi_param REMOTE_ADDR $remote_addr;\n\
                   scgi_pass {upstream};\n\
                 }}\n\
               }}\n\
             }}\n"
        );
        let conf = dir.join("nginx.conf");
        if let Err(e) = std::fs::write(&conf, config) {
            panic!("cannot write {}: {e}", conf.display());
        }
        let child = Command::new("nginx")
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) => panic!("cannot start nginx: {e}"),
        };
        let nginx = Nginx { child, dir, port };
        wait_until_up("nginx", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        nginx
    }

    /// `http://127.0.0.1:PORT/RPC2`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/RPC2", self.port)
    }

    /// What nginx logged (for failure messages).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
