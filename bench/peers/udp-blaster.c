// A paced UDP load generator for bench/statsd-ingest.ts. Reads datagrams from a file
// (u32 little-endian length, then the bytes; repeated), and sends them to host:port at a fixed
// rate for a fixed time with sendmmsg, sleeping between 1 ms slots so it leaves the other core
// to the receiver. Prints the datagrams sent and those skipped because it fell behind.
//   udp-blaster <host> <port> <datagrams per second> <duration ms> <payload file>
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s host port rate duration_ms payload_file\n", argv[0]);
    return 2;
  }
  const char *host = argv[1];
  int port = atoi(argv[2]);
  double rate = atof(argv[3]);
  double duration = atof(argv[4]) / 1000.0;
  FILE *f = fopen(argv[5], "rb");
  if (!f) { perror("payload"); return 2; }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc(size);
  if (fread(buf, 1, size, f) != (size_t)size) { perror("read"); return 2; }
  fclose(f);
  // index the datagrams
  int n = 0, cap = 1024;
  struct iovec *dg = malloc(sizeof(struct iovec) * cap);
  for (long off = 0; off + 4 <= size;) {
    uint32_t len = buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | ((uint32_t)buf[off + 3] << 24);
    off += 4;
    if (n == cap) { cap *= 2; dg = realloc(dg, sizeof(struct iovec) * cap); }
    dg[n].iov_base = buf + off;
    dg[n].iov_len = len;
    n++;
    off += len;
  }
  if (n == 0) { fprintf(stderr, "no datagrams\n"); return 2; }

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  int sndbuf = 8 * 1024 * 1024;
  setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, host, &to.sin_addr);
  if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) { perror("connect"); return 2; }

  struct mmsghdr msgs[BATCH];
  memset(msgs, 0, sizeof msgs);
  long sent = 0, skipped = 0, next = 0;
  double start = now_s();
  for (;;) {
    double t = now_s() - start;
    if (t >= duration) break;
    long due = (long)(t * rate);
    // Never burst to catch up: if this process was descheduled, what it owed beyond a
    // millisecond's worth is skipped, not sent at once (the rate actually offered is
    // sent / duration, which the caller reports).
    long slack = (long)(rate * 0.001) + BATCH;
    if (due - (sent + skipped) > slack) skipped = due - sent - slack;
    while (sent + skipped < due) {
      int k = 0;
      while (k < BATCH && sent + skipped + k < due) {
        msgs[k].msg_hdr.msg_iov = &dg[next];
        msgs[k].msg_hdr.msg_iovlen = 1;
        next = (next + 1) % n;
        k++;
      }
      int r = sendmmsg(s, msgs, k, 0);
      if (r < 0) {
        if (errno == ENOBUFS || errno == EAGAIN) continue;
        perror("sendmmsg");
        return 1;
      }
      // datagrams not sent in this call go again next round
      if (r < k) next = (next - (k - r) + n) % n;
      sent += r;
    }
    struct timespec slot = {0, 500000}; // 0.5 ms
    nanosleep(&slot, NULL);
  }
  printf("%ld %ld\n", sent, skipped);
  return 0;
}
