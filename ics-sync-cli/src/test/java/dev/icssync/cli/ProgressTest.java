package dev.icssync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void theLiveLineNamesTheFeedsRunningEscaped() {
    StringWriter w = new StringWriter();
    Progress p = Progress.shown(new PrintWriter(w), "syncing", 3);
    p.start("airbnb-1");
    p.start("vrbo-\u001b[2J");
    p.step("airbnb-1");

    String last = w.toString().substring(w.toString().lastIndexOf('\r') + 1);
    assertThat(last).startsWith("syncing 1/3 (running: vrbo-\\x1b[2J)");
    assertThat(w.toString()).doesNotContain("\u001b");
    p.finish();
    assertThat(w.toString()).endsWith("\r");
  }
}
