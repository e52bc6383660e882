# The HTML health report in a real headless browser (Debian's chromium; the
# test skips itself without /usr/bin/chromium). Screenshots of each page land
# in report-screenshots/ at the top of the build tree and stay there.
# Included from tests/integration/CMakeLists.txt.
crm_add_test(integration_browser
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/report_browser_test.cpp
  LIBS crm_reports crm_test_support nlohmann_json::nlohmann_json)
target_include_directories(integration_browser PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit/reports)
target_compile_definitions(integration_browser PRIVATE
  CRM_SCREENSHOT_DIR="${CMAKE_BINARY_DIR}/report-screenshots")
# The browser is a host program and its pictures are the same on every
# target: like every integration test, it runs natively only.
set_tests_properties(integration_browser PROPERTIES LABELS "native-only;browser")

# The reference HMI page (agent/localapi) in the same browser, served by a
# real server in the test over a fake backend, driven over the DevTools
# protocol (cdp.cpp): keys, clicks, the live stream.
crm_add_test(integration_hmi_browser
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hmi_browser_test.cpp ${CMAKE_CURRENT_LIST_DIR}/cdp.cpp
          ${PROJECT_SOURCE_DIR}/tests/unit/localapi/harness.cpp
  LIBS crm_localapi crm_test_support nlohmann_json::nlohmann_json)
target_include_directories(integration_hmi_browser PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit/localapi)
target_compile_definitions(integration_hmi_browser PRIVATE
  CRM_SCREENSHOT_DIR="${CMAKE_BINARY_DIR}/hmi-screenshots")
set_tests_properties(integration_hmi_browser PROPERTIES LABELS "native-only;browser")

# The same page end to end: the real crm-agent (a recorded parked car), a
# real mosquitto carrying the CRM's commands and the car's prompt messages,
# and the browser acting as the driver. Screenshots: hmi-screenshots/e2e-*.png.
crm_add_test(integration_hmi_e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/hmi_e2e_test.cpp ${CMAKE_CURRENT_LIST_DIR}/cdp.cpp
          ${CMAKE_CURRENT_LIST_DIR}/process.cpp ${CMAKE_CURRENT_LIST_DIR}/message_shape.cpp
  LIBS crm_test_support nlohmann_json::nlohmann_json)
add_dependencies(integration_hmi_e2e crm-agent)
target_compile_definitions(integration_hmi_e2e PRIVATE
  CRM_SCREENSHOT_DIR="${CMAKE_BINARY_DIR}/hmi-screenshots")
set_tests_properties(integration_hmi_e2e PROPERTIES LABELS "native-only;browser")
