#pragma once

#include <functional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace rally::driver {

// Owns a Worker's io_context and the one thread that runs it. Everything the Worker's
// clients touch lives on that thread; the actor reaches it only by posting.
class AsyncIoAdapter {
 public:
  AsyncIoAdapter() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~AsyncIoAdapter() { stop(); }
  AsyncIoAdapter(const AsyncIoAdapter&) = delete;
  AsyncIoAdapter& operator=(const AsyncIoAdapter&) = delete;

  [[nodiscard]] boost::asio::io_context& io() { return io_; }

  template <class F>
  void post(F&& f) {
    boost::asio::post(io_, std::forward<F>(f));
  }

  // Stops the loop and joins the thread; pending work is dropped.
  void stop() {
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace rally::driver
