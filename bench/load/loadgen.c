/*
 * Load generator of the mirror benchmark, in C (see bench/load/generator.ts for the
 * same job in Node.js, and RATIONALE.md for why both exist).
 *
 * On a 2-core machine the load generator shares the cores with the node it measures. The
 * Node.js generator costs ~25 us of CPU per request (40% of a core at 15,000/s), and it
 * can only pace an open loop with 1 ms timers, which adds up to a millisecond to every
 * latency it reports. This one sends in batches at most 100 us apart (epoll_pwait2's
 * nanosecond timeout), stamps answers as they are read, and costs only its syscalls:
 * what it reports is the listener's latency, not its own.
 *
 *   loadgen HOST PORT CONNECTIONS SECONDS MODE RATE DEPTH REQUESTS_FILE
 *
 * MODE is "closed" (every free slot sends again as soon as it has its answer) or "open"
 * (RATE requests/s; latency counted from when each request was due; a request due while
 * every slot is busy is counted late and not sent, as generator.ts does). DEPTH requests
 * in flight per connection (1: a proxy's upstream pool). REQUESTS_FILE holds raw HTTP/1.1
 * requests, each preceded by its length (uint32, little-endian), sent in turn.
 * Prints one JSON object (the fields of GeneratorResult in generator.ts) on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define MAX_DEPTH 64
#define READ_BUF 65536
/* Latency histogram: 10 us buckets up to 200 ms, then one overflow bucket (as generator.ts). */
#define BUCKETS 20001
/* Open loop: at most one batch of sends per 100 us (what pacing adds to a latency). */
#define PACE_NS 100000LL

struct req {
  const char *data;
  uint32_t len;
};

struct conn {
  int fd;
  int ok;
  /* Due (or send) times of the requests in flight, oldest first: answers come in order. */
  int64_t due[MAX_DEPTH];
  int head, count;
  /* Bytes of a request not yet written (the socket buffer was full). */
  const char *out;
  uint32_t out_len;
  /* The start of an answer not yet complete, and how much body is still to skip. */
  char tail[8192];
  size_t tail_len;
  int64_t skip;
};

static struct conn conns[MAX_CONNS];
static uint32_t hist[BUCKETS];
static uint32_t lag_hist[BUCKETS];
static uint64_t hist_n, lag_n;
static double hist_max, lag_max;
static struct req *reqs;
static size_t nreqs, next_req;
static uint64_t sent, answered, errors, refused, late;
static int nconns, depth, closed_mode, stopping;
static int *free_slots;
static int nfree;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void add(uint32_t *h, uint64_t *n, double *mx, double ms) {
  long i = (long)(ms * 100);
  if (i < 0) i = 0;
  if (i > BUCKETS - 1) i = BUCKETS - 1;
  h[i]++;
  (*n)++;
  if (ms > *mx) *mx = ms;
}

static double pct(const uint32_t *h, uint64_t n, double mx, double p) {
  if (n == 0) return 0;
  uint64_t want = (uint64_t)((double)n * p + 0.999999), seen = 0;
  for (int i = 0; i < BUCKETS; i++) {
    seen += h[i];
    if (seen >= want) return (i + 1) / 100.0;
  }
  return mx;
}

static int flush_out(struct conn *c) {
  while (c->out_len > 0) {
    ssize_t w = write(c->fd, c->out, c->out_len);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      return -1;
    }
    c->out += w;
    c->out_len -= (uint32_t)w;
  }
  return 0;
}

static void fail(struct conn *c) {
  if (!c->ok) return;
  errors++;
  c->ok = 0;
  close(c->fd);
}

static void send_req(struct conn *c, int64_t due) {
  if (!c->ok) return;
  if (c->count < MAX_DEPTH) {
    c->due[(c->head + c->count) % MAX_DEPTH] = due;
    c->count++;
  }
  sent++;
  struct req *r = &reqs[next_req++ % nreqs];
  if (c->out_len > 0) {
    /* Still writing the previous one (pipelining): rare; send the rest first, blocking. */
    int fl = fcntl(c->fd, F_GETFL);
    fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
    if (flush_out(c) < 0) { fail(c); return; }
    fcntl(c->fd, F_SETFL, fl);
  }
  c->out = r->data;
  c->out_len = r->len;
  if (flush_out(c) < 0) fail(c);
}

static void on_answer(struct conn *c, int64_t now) {
  answered++;
  if (c->count > 0) {
    int64_t at = c->due[c->head];
    c->head = (c->head + 1) % MAX_DEPTH;
    c->count--;
    add(hist, &hist_n, &hist_max, (double)(now - at) / 1e6);
  }
  if (stopping) return;
  if (closed_mode) send_req(c, now);
  else free_slots[nfree++] = (int)(c - conns);
}

/* Content-Length of a response head, 0 when absent (a 204 has none). */
static int64_t content_length(const char *h, size_t n) {
  for (size_t i = 0; i + 16 < n; i++) {
    if ((h[i] == '\n') && strncasecmp(h + i + 1, "content-length:", 15) == 0) {
      return strtoll(h + i + 16, NULL, 10);
    }
  }
  return 0;
}

static void on_readable(struct conn *c, int64_t now) {
  char buf[READ_BUF];
  for (;;) {
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      { fail(c); return; }
    }
    if (n == 0) { fail(c); return; }
    size_t i = 0;
    while (i < (size_t)n) {
      if (c->skip > 0) {
        size_t k = (size_t)n - i < (size_t)c->skip ? (size_t)n - i : (size_t)c->skip;
        c->skip -= (int64_t)k;
        i += k;
        continue;
      }
      /* Append to the head being read until its blank line. */
      char ch = buf[i++];
      if (c->tail_len < sizeof c->tail) c->tail[c->tail_len++] = ch;
      size_t t = c->tail_len;
      if (t >= 4 && c->tail[t - 1] == '\n' && c->tail[t - 2] == '\r' && c->tail[t - 3] == '\n' &&
          c->tail[t - 4] == '\r') {
        /* Counted within the window, as answers are (the tail after it is only waited for). */
        if (!stopping && !(t > 9 && memcmp(c->tail, "HTTP/1.", 7) == 0 && c->tail[9] == '2')) refused++;
        c->skip = content_length(c->tail, t);
        c->tail_len = 0;
        on_answer(c, now);
      }
    }
  }
}

static int connect_to(const char *host, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(b);
    return NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

/*
 * epoll_wait with a timeout in nanoseconds (epoll_pwait2, Linux 5.11); where the kernel
 * lacks it, epoll_wait with the timeout rounded up to a millisecond.
 */
static int wait_events(int ep, struct epoll_event *evs, int max, int64_t ns) {
  static int no_pwait2;
  if (!no_pwait2) {
    struct timespec ts = {.tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL};
    int n = epoll_pwait2(ep, evs, max, &ts, NULL);
    if (n >= 0 || errno != ENOSYS) return n < 0 ? 0 : n;
    no_pwait2 = 1;
  }
  int n = epoll_wait(ep, evs, max, (int)((ns + 999999) / 1000000));
  return n < 0 ? 0 : n;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: loadgen HOST PORT CONNECTIONS SECONDS closed|open RATE DEPTH REQUESTS_FILE\n");
    return 2;
  }
  const char *host = argv[1];
  int port = atoi(argv[2]);
  nconns = atoi(argv[3]);
  double seconds = atof(argv[4]);
  closed_mode = strcmp(argv[5], "closed") == 0;
  double rate = atof(argv[6]);
  depth = atoi(argv[7]);
  if (nconns < 1 || nconns > MAX_CONNS || depth < 1 || depth > MAX_DEPTH || seconds <= 0 || rate <= 0) {
    fprintf(stderr, "loadgen: bad arguments\n");
    return 2;
  }
  size_t flen;
  char *file = read_file(argv[8], &flen);
  if (file == NULL) {
    fprintf(stderr, "loadgen: cannot read %s\n", argv[8]);
    return 2;
  }
  /* Requests: uint32 little-endian length, then the bytes. */
  reqs = calloc(flen / 4 + 1, sizeof *reqs);
  for (size_t off = 0; off + 4 <= flen;) {
    uint32_t n = (uint32_t)(unsigned char)file[off] | (uint32_t)(unsigned char)file[off + 1] << 8 |
                 (uint32_t)(unsigned char)file[off + 2] << 16 | (uint32_t)(unsigned char)file[off + 3] << 24;
    off += 4;
    if (n > flen - off) break;
    reqs[nreqs].data = file + off;
    reqs[nreqs].len = n;
    nreqs++;
    off += n;
  }
  if (nreqs == 0) {
    fprintf(stderr, "loadgen: no requests in %s\n", argv[8]);
    return 2;
  }

  int ep = epoll_create1(0);
  struct epoll_event ev;
  free_slots = calloc((size_t)nconns * (size_t)depth, sizeof *free_slots);
  for (int i = 0; i < nconns; i++) {
    int fd = connect_to(host, port);
    if (fd < 0) {
      fprintf(stderr, "loadgen: cannot connect to %s:%d: %s\n", host, port, strerror(errno));
      return 1;
    }
    conns[i].fd = fd;
    conns[i].ok = 1;
    ev.events = EPOLLIN;
    ev.data.u32 = (uint32_t)i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }

  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  int64_t t0 = now_ns();
  int64_t end = t0 + (int64_t)(seconds * 1e9);
  uint64_t due = 0;
  /* When the loop meant to wake up next (open loop), to measure how late it did. */
  int64_t wake_at = 0;
  if (closed_mode) {
    for (int k = 0; k < depth; k++)
      for (int i = 0; i < nconns; i++) send_req(&conns[i], now_ns());
  } else {
    for (int k = 0; k < depth; k++)
      for (int i = 0; i < nconns; i++) free_slots[nfree++] = i;
  }

  struct epoll_event evs[256];
  uint64_t answered_in_window = 0;
  double window = seconds;
  for (;;) {
    int64_t now = now_ns();
    int64_t until = stopping ? now + 10000000LL : closed_mode ? end : wake_at;
    if (until > end && !stopping) until = end;
    int64_t wait = until - now;
    if (wait < 0) wait = 0;
    int n = wait_events(ep, evs, 256, wait);
    now = now_ns();
    /* How late the loop woke for its next batch: the generator's own delay. */
    if (!closed_mode && !stopping && wake_at > 0 && now > wake_at)
      add(lag_hist, &lag_n, &lag_max, (double)(now - wake_at) / 1e6);
    int64_t busy_from = now;
    for (int k = 0; k < n; k++) {
      struct conn *c = &conns[evs[k].data.u32];
      if (c->ok && (evs[k].events & (EPOLLERR | EPOLLHUP)) && !(evs[k].events & EPOLLIN)) {
        fail(c);
        continue;
      }
      if (c->ok) on_readable(c, now);
      if (c->ok && c->out_len > 0 && flush_out(c) < 0) fail(c);
    }
    now = now_ns();
    if (!stopping && now >= end) {
      stopping = 1;
      answered_in_window = answered;
      window = (double)(now - t0) / 1e9;
    }
    if (stopping) {
      int inflight = 0;
      for (int i = 0; i < nconns; i++) inflight += conns[i].ok ? conns[i].count : 0;
      if (inflight == 0 || now > end + 2000000000LL) break;
      continue;
    }
    if (!closed_mode) {
      /* Every request due by now goes out, each stamped with the time it was due. */
      uint64_t should = (uint64_t)((double)(now - t0) / 1e9 * rate);
      while (due < should) {
        if (nfree == 0) {
          late += should - due;
          due = should;
          break;
        }
        struct conn *c = &conns[free_slots[--nfree]];
        send_req(c, t0 + (int64_t)((double)due * 1e9 / rate));
        due++;
      }
      /* The next batch: when the next request is due, but not sooner than PACE_NS from now
         (one wake-up per request would cost more syscalls than the requests themselves). */
      wake_at = t0 + (int64_t)((double)due * 1e9 / rate);
      if (wake_at < now + PACE_NS) wake_at = now + PACE_NS;
    } else if (n > 0) {
      /* Closed loop: how long this turn kept answers waiting. */
      add(lag_hist, &lag_n, &lag_max, (double)(now_ns() - busy_from) / 1e6);
    }
  }
  getrusage(RUSAGE_SELF, &ru1);
  double cpu_ms = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1e3 +
                  (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e3 +
                  (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1e3 +
                  (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e3;
  for (int i = 0; i < nconns; i++)
    if (conns[i].ok) close(conns[i].fd);
  printf(
      "{\"sent\":%llu,\"answered\":%llu,\"errors\":%llu,\"refused\":%llu,\"seconds\":%.4f,"
      "\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"p999\":%.2f,\"max\":%.3f,\"late\":%llu,"
      "\"cpuMs\":%.1f,\"lagP99\":%.3f,\"lagMax\":%.3f}\n",
      (unsigned long long)sent, (unsigned long long)answered_in_window, (unsigned long long)errors,
      (unsigned long long)refused, window, pct(hist, hist_n, hist_max, 0.5), pct(hist, hist_n, hist_max, 0.9),
      pct(hist, hist_n, hist_max, 0.99), pct(hist, hist_n, hist_max, 0.999), hist_max, (unsigned long long)late,
      cpu_ms, pct(lag_hist, lag_n, lag_max, 0.99), lag_max);
  return 0;
}
