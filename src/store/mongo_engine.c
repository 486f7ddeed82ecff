/*
 * mongo_engine.c: the MongoDB engine's table (engine.h), the one thing of it
 * store.c reaches through the plugin. It stands apart from the files it
 * points into, so that they use mongo.c's helpers without a loop
 * between the files.
 */
#include "mongo.h"

const struct store_engine store_mongo_engine = {
    .name = "mongodb",
    .where = mg_where,
    .new_id = mg_new_id,
    .ping = mg_ping,
    .close = mg_close,
    .destroy = mg_destroy,
    .user_create = mg_user_create,
    .user_find = mg_user_find,
    .user_set_secret = mg_user_set_secret,
    .session_add = mg_session_add,
    .session_get = mg_session_get,
    .session_revoke = mg_session_revoke,
    .fail_reserve = mg_fail_reserve,
    .fail_count = mg_fail_count,
    .fail_clear = mg_fail_clear,
    .conv_create = mg_conv_create,
    .conv_list = mg_conv_list,
    .conv_get = mg_conv_get,
    .conv_set = mg_conv_set,
    .conv_delete = mg_conv_delete,
    .conv_fork_mark = mg_conv_fork_mark,
    .msg_append = mg_msg_append,
    .msg_update = mg_msg_update,
    .msg_feedback = mg_msg_feedback,
    .msg_image_set = mg_msg_image_set,
    .msg_page = mg_msg_page,
    .usage_add = mg_usage_add,
    .usage_count = mg_usage_count,
};
