//! `goalspace-figures [--out DIR] [NAME...]`: writes the guide's figures as SVG files
//! (default: every figure into `book/src/figures/`). Each figure comes from the ledger
//! or from fixed-seed runs, so the files are the same on every machine.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../src/figures");
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => match args.next() {
                Some(d) => out = PathBuf::from(d),
                None => {
                    eprintln!("error: --out needs a directory");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("usage: goalspace-figures [--out DIR] [NAME...]");
                println!("figures: {}", goalspace_figures::FIGURES.map(|(n, _)| n).join(", "));
                return ExitCode::SUCCESS;
            }
            name => names.push(name.to_owned()),
        }
    }
    if let Some(bad) = names.iter().find(|n| !goalspace_figures::FIGURES.iter().any(|(f, _)| f == n)) {
        eprintln!("error: no figure named {bad}");
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(1);
    }
    for (name, make) in goalspace_figures::FIGURES {
        if !names.is_empty() && !names.iter().any(|n| n == name) {
            continue;
        }
        let fig = make();
        let path = out.join(format!("{}.svg", fig.name));
        match goalspace_figures::render_svg(&fig).map(|svg| std::fs::write(&path, svg)) {
            Ok(Ok(())) => println!("wrote {}", path.display()),
            Ok(Err(e)) => {
                eprintln!("error: writing {}: {e}", path.display());
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("error: {name}: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
