package dev.parley.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every command shares: the root's options, stdout/stderr, and the session it runs with. A command's
 * {@link #run(Session)} returns normally for exit 0 and throws for anything else (mapped in {@link ParleyCli}).
 */
abstract class CommandBase implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  ParleyCli root() {
    return (ParleyCli) spec.root().userObject();
  }

  @Override
  public Integer call() {
    try (Session s = root().session()) {
      run(s);
    }
    out().flush();
    return Exit.OK.code;
  }

  abstract void run(Session s);
}
