//! `s3lambda handler`: the built-in handler components, as a `.wasm` or a deployment package,
//! so a client of the HTTP API (the AWS CLI, boto3) can create functions without a Rust build.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use s3lambda::runtime::handlers;

/// `s3lambda handler` arguments.
#[derive(Debug, clap::Args)]
pub struct HandlerArgs {
    /// The built-in handler (`helloworld`, `s3-logger`, `echo`, ...); none lists them.
    pub name: Option<String>,
    /// Write a deployment package (a zip holding `NAME.wasm`) instead of the bare component.
    #[arg(long)]
    pub zip: bool,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Writes the handler (or the list of names); an error for an unknown name or a terminal.
pub fn run(args: &HandlerArgs) -> Result<(), String> {
    let Some(name) = &args.name else {
        let names: Vec<&str> = handlers::ALL.iter().map(|(n, _)| *n).collect();
        println!("{}", names.join("\n"));
        return Ok(());
    };
    let wasm = handlers::by_name(name).ok_or_else(|| {
        let names: Vec<&str> = handlers::ALL.iter().map(|(n, _)| *n).collect();
        format!("no built-in handler {name:?}; one of {}", names.join(", "))
    })?;
    let bytes = if args.zip {
        s3lambda::lambda::package::zip_of(&[(&format!("{name}.wasm"), wasm)])
    } else {
        wasm.to_vec()
    };
    match &args.out {
        Some(path) => std::fs::write(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None if std::io::stdout().is_terminal() => Err(
            "stdout is a terminal: redirect it to a file (`> handler.wasm`) or pass --out".into(),
        ),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
    }
}
