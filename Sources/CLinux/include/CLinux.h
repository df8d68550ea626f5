// Linux interfaces that Swift's Glibc module leaves out: epoll, eventfd, accept4, mallinfo2.
#ifndef CLINUX_H
#define CLINUX_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <malloc.h>

// glibc declares accept4 only under _GNU_SOURCE; re-declare its prototype instead of defining that.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

// epoll_event is packed on x86-64; these helpers keep Swift away from its layout.
static inline int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}

typedef struct {
    uint32_t events;
    uint64_t data;
} clinux_event;

// Bytes malloc has handed out and not taken back, mmapped blocks included: to measure what a structure costs.
static inline size_t clinux_heap_bytes_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

// Names the calling thread (shown by top -H and in core dumps); pthread_setname_np is GNU-only.
void clinux_set_thread_name(const char *name);

int clinux_epoll_wait(int epfd, clinux_event *events, int max_events, int timeout_ms);

static const uint32_t CLINUX_EPOLLIN = EPOLLIN;
static const uint32_t CLINUX_EPOLLOUT = EPOLLOUT;
static const uint32_t CLINUX_EPOLLERR = EPOLLERR;
static const uint32_t CLINUX_EPOLLHUP = EPOLLHUP;
static const uint32_t CLINUX_EPOLLRDHUP = EPOLLRDHUP;
static const int CLINUX_SOCK_NONBLOCK = SOCK_NONBLOCK;
static const int CLINUX_SOCK_CLOEXEC = SOCK_CLOEXEC;
static const int CLINUX_EFD_NONBLOCK = EFD_NONBLOCK;
static const int CLINUX_EFD_CLOEXEC = EFD_CLOEXEC;

#endif
