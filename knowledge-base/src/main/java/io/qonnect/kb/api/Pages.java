package io.qonnect.kb.api;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.ArrayList;
import java.util.List;

/**
 * An observation snapshot cut into pages that, merged in order, give the whole: each page holds reports in the
 * snapshot's order until the next one would take it past the page size. A page holds at least one report, so a
 * report larger than a page is a page of its own (a report is at most a request's size, which every channel
 * takes). Pure: no I/O.
 */
final class Pages {
  /** About 1 MiB: small enough that neither end holds a message that grows with the federation. */
  static final int PAGE_BYTES = 1 << 20;

  record Reports(List<ClusterReport> clusters, List<LatencyReport> latency, List<ReadinessReport> readiness) {}

  private Pages() {}

  static ObservationSnapshot whole(long takenMillis, Reports reports) {
    return ObservationSnapshot.newBuilder().setTakenUnixMillis(takenMillis)
        .addAllClusters(reports.clusters()).addAllLatency(reports.latency()).addAllReadiness(reports.readiness()).build();
  }

  /** At least one page (an empty federation is one empty page), each about {@code pageBytes} or less. */
  static List<ObservationSnapshot> split(long takenMillis, Reports reports, int pageBytes) {
    Splitter pages = new Splitter(takenMillis, pageBytes);
    for (ClusterReport r : reports.clusters()) pages.add(ObservationSnapshot.CLUSTERS_FIELD_NUMBER, r, () -> pages.page.addClusters(r));
    for (LatencyReport r : reports.latency()) pages.add(ObservationSnapshot.LATENCY_FIELD_NUMBER, r, () -> pages.page.addLatency(r));
    for (ReadinessReport r : reports.readiness()) pages.add(ObservationSnapshot.READINESS_FIELD_NUMBER, r, () -> pages.page.addReadiness(r));
    return pages.finish();
  }

  private static final class Splitter {
    private final long takenMillis;
    private final int pageBytes;
    private final List<ObservationSnapshot> done = new ArrayList<>();
    private ObservationSnapshot.Builder page;
    private int bytes;
    private int reports;

    Splitter(long takenMillis, int pageBytes) {
      this.takenMillis = takenMillis;
      this.pageBytes = pageBytes;
      startPage();
    }

    void add(int field, MessageLite report, Runnable append) {
      int size = CodedOutputStream.computeMessageSize(field, report);
      if (reports > 0 && bytes + size > pageBytes) {
        done.add(page.build());
        startPage();
      }
      append.run();
      bytes += size;
      reports++;
    }

    List<ObservationSnapshot> finish() {
      done.add(page.build());
      return done;
    }

    private void startPage() {
      page = ObservationSnapshot.newBuilder().setTakenUnixMillis(takenMillis);
      bytes = CodedOutputStream.computeInt64Size(ObservationSnapshot.TAKEN_UNIX_MILLIS_FIELD_NUMBER, takenMillis);
      reports = 0;
    }
  }
}
